/** Child process for the kill -9 test: ingest a JSONL file into a store (SQLite file or postgres:// URL), printing progress. */
import { ingestPaths } from '../../src/ingest/index.js';
import { openStore } from '../../src/store/index.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { generatedExtractor } from './generated.js';

const [target, file] = process.argv.slice(2);
const store = /^postgres(ql)?:\/\//.test(target!) ? await openStore({ url: target! }) : new CoreStore(new SqliteDb(target!));
const summary = await ingestPaths(store, [file!], generatedExtractor, {
  onProgress: (p) => process.stdout.write(`progress ${p.documents + p.duplicates}\n`),
});
await store.close();
process.stdout.write(`done ${JSON.stringify(summary)}\n`);
