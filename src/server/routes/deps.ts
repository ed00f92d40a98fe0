/** What every route plugin receives: the store and the extractor (no globals). */
import type { Extractor } from '../../extract/types.js';
import type { Store } from '../../store/types.js';

export interface RouteDeps {
  store: Store;
  extractor: Extractor;
}
