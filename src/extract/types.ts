/** The extractor contract: one document in, its coded events out. Pure and synchronous. */
import type { CodedEvent, SourceDocument } from '../model/index.js';

export interface Extractor {
  extract(doc: SourceDocument): CodedEvent[];
}
