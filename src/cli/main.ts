/**
 * cli: the `frontline` command. Owns argument parsing, reading files/stdin and printing; every piece
 * of work is delegated to the entry module of its part (extract, geo, store, ingest, server, alerts,
 * eval). Must not hold pipeline logic or read the database around the Store.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { OUTPUT_FORMATS, SourceDocumentSchema, formatEvents, type OutputFormat, type SourceDocument } from '../model/index.js';
import { decodeText, MAX_DOCUMENT_BYTES } from '../model/text.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const HELP: Record<string, string> = {
  main: `frontline — conflict reporting in, ACLED-coded, geocoded events out

Usage: frontline <command> [options]

Commands:
  extract FILE|-            print the events of one document (no storing)
  extract --batch IN.jsonl  one JSON document per line in, one {"id","events"} line out
  ingest PATH...            store documents (.txt, .md, .html, .jsonl, folders) and their events
  serve                     HTTP API and dashboard
  start                     ingest data/samples into ./frontline.db and serve (what npm start runs)
  export                    write stored events as csv, geojson or jsonl
  eval [GOLD.jsonl]         score the extractor against a gold file
  gazetteer import FILE     add a GeoNames dump or a CSV of places to the user gazetteer
  feeds add|list|rm         RSS/Atom feeds polled by serve
  watch add|list|rm         watch zones (point+radius, line+buffer, polygon)
  webhooks add|list|rm      signed webhooks that receive alerts
  alerts                    list alerts raised in watch zones
  brief                     situation report (markdown or HTML with an offline map)

Run 'frontline <command> --help' for the options of a command.
Environment: FRONTLINE_DATABASE_URL=postgres://… selects PostgreSQL; FRONTLINE_TOKEN protects writes; PORT.`,
  extract: `Usage: frontline extract FILE|- [--published YYYY-MM-DD] [--source NAME] [--title T] [--url U] [--format json|jsonl|csv|geojson]
       frontline extract --batch IN.jsonl [--format jsonl]

Prints the events of one document. '-' reads standard input.
With --batch, reads one JSON document per line ({"id","text","published"?,"url"?,"title"?,"source"?}) and prints
one line per document in input order: {"id":…,"events":[…]}; a bad line prints {"id":…,"error":"…"} and the batch goes on.`,
  ingest: `Usage: frontline ingest PATH... [--db FILE] [--published YYYY-MM-DD] [--source NAME] [--workers N] [--quiet]

Stores documents and their events. PATH may be a text/markdown/HTML file, a .jsonl bulk file or a folder.
Re-ingesting the same content adds nothing. Uses FRONTLINE_DATABASE_URL when set, else the SQLite file (default ./frontline.db).
--workers N: extraction threads (default, for inputs of 1 MB or more on machines of 4 cores or more: one
per core but one, at most 8; otherwise 0, extraction in the main thread).
The result is the same whatever N is.`,
  serve: `Usage: frontline serve [--db FILE] [--port N] [--host H] [--no-feeds]

Serves the API under /api and the dashboard at /. Default port: $PORT or 8080.`,
  start: `Usage: frontline start [--db FILE] [--port N]

Ingests the bundled sample reports (data/samples/reports.jsonl) into ./frontline.db and serves the dashboard.`,
  export: `Usage: frontline export [--db FILE] [--format csv|geojson|jsonl] [--from D] [--to D] [--country C] [--admin1 A]
                       [--event_type T] [--actor A] [--q TEXT] [--min_fatalities N]`,
  eval: `Usage: frontline eval [GOLD.jsonl] — scores the extractor (default ../shared/eval/dev/gold.jsonl).`,
  gazetteer: `Usage: frontline gazetteer import FILE

Adds places from a GeoNames dump (tab-separated) or a CSV (name,alternate_names,lat,lon,country,admin1) to the
user gazetteer; no rebuild needed.`,
};

function fail(message: string, code = 2): never {
  process.stderr.write(`frontline: ${message}\n`);
  process.exit(code);
}

type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(command: string, argv: string[], options: ParseArgsConfig['options']): Parsed {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (err) {
    fail(`${(err as Error).message}\n${HELP[command] ?? HELP.main}`);
  }
}

function checkPublished(value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) fail(`--published must be YYYY-MM-DD (got "${value}")`);
  return value;
}

function checkFormat(value: string | undefined): OutputFormat {
  const f = (value ?? 'json') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(f)) fail(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${value}")`);
  return f;
}

async function loadExtractor() {
  const [{ createExtractor }, { loadGeocoder }] = await Promise.all([import('../extract/index.js'), import('../geo/index.js')]);
  return createExtractor(loadGeocoder());
}

async function readInput(file: string): Promise<string> {
  let bytes: Buffer;
  if (file === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > MAX_DOCUMENT_BYTES) fail(`standard input is larger than ${MAX_DOCUMENT_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = await readFile(file);
    } catch (err) {
      fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) fail(`${file === '-' ? 'standard input' : file}: ${decoded.error}`);
  return decoded.text;
}

async function extractCommand(argv: string[]) {
  const { values, positionals } = parse('extract', argv, {
    published: { type: 'string' },
    source: { type: 'string' },
    title: { type: 'string' },
    url: { type: 'string' },
    format: { type: 'string' },
    batch: { type: 'string' },
  });
  if (values.help) return void console.log(HELP.extract);
  const published = checkPublished(values.published as string | undefined);
  if (values.batch) {
    if (values.format && values.format !== 'jsonl') fail('--batch always prints JSON Lines');
    return batchExtract(values.batch as string);
  }
  const format = checkFormat(values.format as string | undefined);
  if (positionals.length !== 1) fail(`extract takes one FILE or '-'\n${HELP.extract}`);
  const file = positionals[0]!;
  const text = await readInput(file);
  const extractor = await loadExtractor();
  const doc: SourceDocument = {
    id: file === '-' ? 'stdin' : path.basename(file),
    text,
    published: published ?? null,
    source: (values.source as string | undefined) ?? null,
    title: (values.title as string | undefined) ?? null,
    url: (values.url as string | undefined) ?? null,
  };
  process.stdout.write(formatEvents(extractor.extract(doc), format));
}

async function batchExtract(file: string) {
  const extractor = await loadExtractor();
  const input = file === '-' ? process.stdin : createReadStream(file);
  input.on('error', (err: Error) => fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let id: unknown = null;
    let out: string;
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new Error(`line ${lineNo}: not valid JSON`);
      }
      if (raw && typeof raw === 'object' && 'id' in raw) id = (raw as { id: unknown }).id;
      const parsed = SourceDocumentSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`line ${lineNo}: ${issue.path.join('.') || 'document'}: ${issue.message}`);
      }
      out = JSON.stringify({ id: parsed.data.id, events: extractor.extract(parsed.data) });
    } catch (err) {
      out = JSON.stringify({ id, error: (err as Error).message });
    }
    if (!process.stdout.write(out + '\n')) await new Promise((r) => process.stdout.once('drain', r));
  }
}

async function openConfiguredStore(db: string | undefined) {
  const { openStore } = await import('../store/index.js');
  return openStore({ path: db ?? 'frontline.db' });
}

/** Input size from which `ingest` extracts in worker threads by default (about 300 reports of 3 KB). */
const POOL_MIN_BYTES = 1_000_000;

/** Bytes of the files under the paths (stopping once past POOL_MIN_BYTES); unreadable paths count 0. */
async function inputBytes(paths: string[]): Promise<number> {
  const { stat, readdir } = await import('node:fs/promises');
  let total = 0;
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st?.isFile()) total += st.size;
    else if (st?.isDirectory()) {
      const entries = await readdir(p, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.isFile()) total += (await stat(path.join(e.parentPath ?? e.path, e.name)).catch(() => null))?.size ?? 0;
        if (total >= POOL_MIN_BYTES) return total;
      }
    }
    if (total >= POOL_MIN_BYTES) return total;
  }
  return total;
}

async function ingestCommand(argv: string[]) {
  const { values, positionals } = parse('ingest', argv, {
    db: { type: 'string' },
    published: { type: 'string' },
    source: { type: 'string' },
    workers: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return void console.log(HELP.ingest);
  if (!positionals.length) fail(`ingest needs at least one PATH\n${HELP.ingest}`);
  const published = checkPublished(values.published as string | undefined);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64)) fail(`--workers must be a whole number from 0 to 64 (got "${values.workers}")`);
  const { createExtractorPool, defaultWorkers } = await import('../extract/pool.js');
  // workers cost a second of start-up each (their own gazetteer): worth it from a few hundred reports,
  // on machines of 4 cores or more (defaultWorkers)
  const threads = workers ?? (defaultWorkers() > 0 && (await inputBytes(positionals)) >= POOL_MIN_BYTES ? defaultWorkers() : 0);
  const [{ ingestPaths }, extractor, store] = await Promise.all([
    import('../ingest/index.js'),
    // the pool's workers load the gazetteer in parallel with each other and with the store's opening
    threads > 0 ? createExtractorPool({ workers: threads }) : loadExtractor(),
    openConfiguredStore(values.db as string | undefined),
  ]);
  try {
    const summary = await ingestPaths(store, positionals, extractor, {
      published: published ?? null,
      source: (values.source as string | undefined) ?? null,
      progress: !values.quiet,
    });
    console.log(JSON.stringify(summary));
  } finally {
    if ('close' in extractor) await extractor.close();
    await store.close();
  }
}

async function serveCommandCli(argv: string[], ingestSamples: boolean) {
  const { values } = parse(ingestSamples ? 'start' : 'serve', argv, {
    db: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'no-feeds': { type: 'boolean' },
  });
  if (values.help) return void console.log(ingestSamples ? HELP.start : HELP.serve);
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (got "${values.port}")`);
  const [{ serveCommand }, extractor, store] = await Promise.all([
    import('../server/index.js'),
    loadExtractor(),
    openConfiguredStore(values.db as string | undefined),
  ]);
  if (ingestSamples) {
    const { ingestPaths } = await import('../ingest/index.js');
    const summary = await ingestPaths(store, [path.join(REPO_ROOT, 'data/samples/reports.jsonl')], extractor, { progress: true });
    console.error(`frontline: sample reports ingested: ${JSON.stringify(summary)}`);
  }
  await serveCommand({
    port,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    store,
    extractor,
    feeds: !values['no-feeds'],
  });
}

async function exportCommand(argv: string[]) {
  const filters = ['from', 'to', 'country', 'admin1', 'event_type', 'sub_event_type', 'actor', 'q', 'bbox', 'near', 'km', 'min_fatalities'];
  const { values } = parse('export', argv, {
    db: { type: 'string' },
    format: { type: 'string' },
    ...Object.fromEntries(filters.map((f) => [f, { type: 'string' as const }])),
  });
  if (values.help) return void console.log(HELP.export);
  const format = checkFormat((values.format as string | undefined) ?? 'csv');
  const { EventListQuerySchema, toCsv } = await import('../model/index.js');
  const query = EventListQuerySchema.safeParse({
    ...Object.fromEntries(filters.filter((f) => values[f] !== undefined).map((f) => [f, values[f]])),
    sort: 'date_asc',
    limit: 1000,
  });
  if (!query.success) fail(query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const store = await openConfiguredStore(values.db as string | undefined);
  try {
    let cursor: string | undefined;
    let first = true;
    const all = [];
    do {
      const page = await store.listEvents({ ...query.data, cursor });
      if (format === 'csv') process.stdout.write(toCsv(page.events, first));
      else if (format === 'jsonl') process.stdout.write(formatEvents(page.events, 'jsonl'));
      else all.push(...page.events);
      first = false;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    if (format === 'json' || format === 'geojson') process.stdout.write(formatEvents(all, format));
  } finally {
    await store.close();
  }
}

async function gazetteerCommand(argv: string[]) {
  const [sub, ...rest] = argv;
  if (sub !== 'import' || argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP.gazetteer);
    if (sub !== 'import' && !argv.includes('--help') && !argv.includes('-h')) process.exitCode = 2;
    return;
  }
  const { positionals } = parse('gazetteer', rest, {});
  if (positionals.length !== 1) fail(HELP.gazetteer!);
  const { importGazetteer } = await import('../geo/index.js');
  const result = await importGazetteer(positionals[0]!);
  console.log(JSON.stringify(result));
}

async function evalCommandCli(argv: string[]) {
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(HELP.eval);
  const { evalCommand } = await import('../eval/index.js');
  process.exitCode = await evalCommand(argv);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'extract':
      return extractCommand(rest);
    case 'ingest':
      return ingestCommand(rest);
    case 'serve':
      return serveCommandCli(rest, false);
    case 'start':
      return serveCommandCli(rest, true);
    case 'export':
      return exportCommand(rest);
    case 'eval':
      return evalCommandCli(rest);
    case 'gazetteer':
      return gazetteerCommand(rest);
    case 'feeds':
    case 'watch':
    case 'webhooks':
    case 'alerts':
    case 'brief': {
      const { alertsCli } = await import('../alerts/index.js');
      process.exitCode = await alertsCli(command, rest, { openStore: (db?: string) => openConfiguredStore(db) });
      return;
    }
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(HELP.main);
      if (command === undefined) process.exitCode = 2;
      return;
    default:
      fail(`unknown command "${command}"\n\n${HELP.main}`);
  }
}

const invokedDirectly = process.argv[1] && /(?:main\.ts|frontline(?:\.js)?)$/.test(process.argv[1]);
if (invokedDirectly) {
  // output piped into a reader that stops early (`frontline extract … | head`): stop quietly, as Unix tools do
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  main(process.argv.slice(2)).catch((err: Error) => fail(err.stack ?? err.message, 1));
}
