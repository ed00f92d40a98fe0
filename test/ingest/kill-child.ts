/** Child process for the kill -9 test: ingest a JSONL file into a SQLite store, printing progress. */
import { ingestPaths } from '../../src/ingest/index.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { generatedExtractor } from './generated.js';

const [db, file] = process.argv.slice(2);
const store = new CoreStore(new SqliteDb(db!));
const summary = await ingestPaths(store, [file!], generatedExtractor, {
  onProgress: (p) => process.stdout.write(`progress ${p.documents + p.duplicates}\n`),
});
await store.close();
process.stdout.write(`done ${JSON.stringify(summary)}\n`);
