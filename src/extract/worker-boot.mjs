// Entry of an extraction worker thread (pool.ts): TypeScript through tsx, then worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
