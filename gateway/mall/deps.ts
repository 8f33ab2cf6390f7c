// What the mall face's routes are given: a client per service it calls (face.ts), and the kept catalog replies.
import type { Clients } from '#kit/service';
import type { mallCalls } from './calls.js';
import type { CatalogPages } from './pages.js';

export interface MallSettings {
  /** How long a catalog reply is kept (pages.ts); 0: not kept. */
  readonly pageCacheMs: number;
}

export interface MallDeps {
  readonly clients: Clients<typeof mallCalls>;
  readonly pages: CatalogPages;
}
