import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { htmlToText, ingestPaths, normalisePublished, parseTextHeader } from '../../src/ingest/index.js';
import type { Extractor } from '../../src/extract/types.js';
import type { SourceDocument } from '../../src/model/index.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/index.js';
import { codedEvent } from '../store/fixtures.js';

/** Records what it was given; codes one event per document whose text mentions "strike". */
function recordingExtractor() {
  const seen: SourceDocument[] = [];
  const extractor: Extractor = {
    extract(doc) {
      seen.push(doc);
      if (/explode/.test(doc.text)) throw new Error('extractor exploded');
      return /strike/i.test(doc.text)
        ? [codedEvent({ document_id: doc.id, event_id_cnty: `X-${doc.id}`, event_date: doc.published ?? null, source: doc.source ?? 'unknown', notes: doc.text.slice(0, 60) })]
        : [];
    },
  };
  return { extractor, seen };
}

describe('ingestPaths', () => {
  let dir: string;
  let store: Store;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontline-ingest-'));
    mkdirSync(join(dir, 'reports/sub'), { recursive: true });
    writeFileSync(join(dir, 'reports/a.txt'), 'Published: 2024-03-02\nSource: Hill Gazette\nTitle: Strike on a bakery\n\nA strike hit a bakery in Ariha on Saturday.\n');
    writeFileSync(join(dir, 'reports/b.md'), '# Notes\n\nA drone strike was reported near Atarib.\n');
    writeFileSync(join(dir, 'reports/sub/c.html'), `<!doctype html><html><head><title>Night strike &amp; fires</title>
      <meta property="article:published_time" content="2024-04-05T21:00:00Z"><script>var secret = "do not index";</script>
      <style>p { color: red }</style></head><body><nav>Home | World</nav><h1>Night strike</h1>
      <p>A strike set fuel tanks on fire in <b>Saraqib</b>.</p><p>Residents &lt;fled&gt; north.</p><footer>© Paper</footer></body></html>`);
    writeFileSync(join(dir, 'reports/batch.jsonl'), [
      JSON.stringify({ id: 'j1', url: 'https://example.org/j1', title: 'J one', published: '2024-05-01T08:00:00Z', source: 'Wire One', text: 'An air strike hit Binnish.' }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 'j2', text: 'No event in this one, only talks.' }),
      JSON.stringify({ id: 'j3', text: 'Another strike, bad date.', published: 'sometime' }),
      JSON.stringify({ id: 'j4', title: 'no text' }),
      '',
      JSON.stringify({ id: 'j5', text: 'This one makes the extractor explode.' }),
    ].join('\n') + '\n' + '{"id":"j6","text":"bad \xff byte"}\n', 'latin1');
    writeFileSync(join(dir, 'reports/bin.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    writeFileSync(join(dir, 'reports/latin1.txt'), Buffer.from('Caf\xe9 strike in Sarmin', 'latin1'));
    writeFileSync(join(dir, 'reports/huge.txt'), 'strike '.repeat(2000));
    writeFileSync(join(dir, 'reports/sub/d-latin1.htm'), Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>A strike near the caf\xe9 in Binnish.</p></body></html>', 'latin1'));
    writeFileSync(join(dir, 'reports/ignored.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'reports/.hidden.txt'), 'A hidden strike.');
    store = new CoreStore(new SqliteDb(':memory:'));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads text, markdown, HTML and JSONL from folders; bad files and lines are reported, the rest goes on', async () => {
    const { extractor, seen } = recordingExtractor();
    const progress: number[] = [];
    const s = await ingestPaths(store, [join(dir, 'reports'), join(dir, 'missing.txt')], extractor, {
      published: '2024-01-15', source: 'Default Desk', maxBytes: 8192, onProgress: (p) => progress.push(p.files_done),
    });
    assert.equal(s.files, 8, 'a, b, c, d, batch, bin, latin1, huge (csv and hidden files skipped)');
    assert.equal(s.documents, 6, 'a, b, c, d, j1, j2 (j5 is stored but its extraction failed)');
    assert.equal(s.events_created, 4, 'd reports the same (default) event as b and is merged into it');
    assert.equal(s.events_merged, 1);
    const errs = s.errors.map((e) => `${e.path.split('/').pop()}${e.line ? ':' + e.line : ''} ${e.error}`);
    const expectErr = (re: RegExp) => assert.ok(errs.some((e) => re.test(e)), `expected an error like ${re} in\n${errs.join('\n')}`);
    expectErr(/^missing\.txt cannot read: ENOENT/);
    expectErr(/^batch\.jsonl:2 malformed JSON/);
    expectErr(/^batch\.jsonl:4 "published" is not a date/);
    expectErr(/^batch\.jsonl:5 missing "text"/);
    expectErr(/^batch\.jsonl:7 extractor exploded/);
    expectErr(/^batch\.jsonl:8 document is not valid UTF-8/);
    expectErr(/^bin\.txt document looks binary/);
    expectErr(/^latin1\.txt document is not valid UTF-8/);
    expectErr(/^huge\.txt file is 14000 bytes, larger than the limit of 8192/);
    assert.equal(s.errors.length, 9);
    assert.ok(progress.length >= 8 && progress.at(-1) === 8);

    const byId = new Map(seen.map((d) => [d.id.replace(/-[0-9a-f]{12}$/, ''), d]));
    assert.equal(byId.get('d-latin1')?.text, 'A strike near the café in Binnish.', 'an HTML file’s declared charset is honoured');
    const a = byId.get('a')!;
    assert.equal(a.text, 'A strike hit a bakery in Ariha on Saturday.\n');
    assert.equal(a.published, '2024-03-02');
    assert.equal(a.source, 'Hill Gazette');
    assert.equal(a.title, 'Strike on a bakery');
    const b = byId.get('b')!;
    assert.equal(b.published, '2024-01-15', 'the caller’s default');
    assert.equal(b.source, 'Default Desk');
    const c = byId.get('c')!;
    assert.equal(c.title, 'Night strike & fires');
    assert.equal(c.published, '2024-04-05');
    assert.match(c.text, /A strike set fuel tanks on fire in Saraqib\./);
    assert.match(c.text, /Residents <fled> north\./);
    assert.doesNotMatch(c.text, /secret|color|Home \| World|© Paper/);
    const j1 = byId.get('j1')!;
    assert.deepEqual({ ...j1 }, { id: 'j1', text: 'An air strike hit Binnish.', published: '2024-05-01', url: 'https://example.org/j1', title: 'J one', source: 'Wire One' });
    const ev = await store.getEvent('X-j1');
    assert.equal(ev!.sources[0]!.source, 'Wire One');
  });

  it('ingesting the same paths again adds nothing', async () => {
    const before = await store.stats({});
    const { extractor, seen } = recordingExtractor();
    const s = await ingestPaths(store, [join(dir, 'reports')], extractor, { published: '2024-01-15', source: 'Default Desk', maxBytes: 8192 });
    assert.equal(s.documents, 0);
    assert.ok(s.errors.some((e) => e.line === 7 && /exploded/.test(e.error)), 'j5, whose extraction failed, is tried again');
    assert.equal(s.duplicates, 6);
    assert.deepEqual(seen.map((d) => d.id), ['j5']);
    assert.deepEqual(await store.stats({}), before);
  });

  it('parses headers, dates and HTML in isolation', () => {
    assert.deepEqual(parseTextHeader('Date: 2024-07-23\n\nBody'), { text: 'Body', fields: { published: '2024-07-23' } });
    assert.deepEqual(parseTextHeader('---\ntitle: "Night raid"\ndate: 2024-07-23\ntags: [a, b]\n---\n\n# Night raid\nBody'),
      { text: '# Night raid\nBody', fields: { title: 'Night raid', published: '2024-07-23' } });
    assert.deepEqual(parseTextHeader('---\nnot closed\nBody').fields, {});
    assert.deepEqual(parseTextHeader('Turkish forces: shelled Harbal.\n\nMore.').fields, {}, 'a sentence with a colon is not a header');
    assert.deepEqual(parseTextHeader('Published: 2024-07-23\nstill body').fields, {}, 'a header block must end with a blank line');
    assert.equal(normalisePublished('2024-07-23T10:00:00+03:00'), '2024-07-23');
    assert.equal(normalisePublished('Tue, 23 Jul 2024 10:00:00 GMT'), '2024-07-23');
    assert.equal(normalisePublished('2024-07'), '2024-07');
    assert.equal(normalisePublished('soon'), null);
    assert.equal(htmlToText('<p>One</p><p>Two &amp; three</p>').text, 'One\n\nTwo & three');
  });
});
