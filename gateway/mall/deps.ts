// What the mall face's routes are given: a client per service it calls (face.ts), the kept
// catalog replies, and the flash sales' state on this process (flash/).
import type { Clock } from '#kit/clock';
import type { Clients } from '#kit/service';
import type { Lanes } from '../lanes.js';
import type { Callers } from '#kit/auth';
import type { mallCalls } from './calls.js';
import type { FlashSales, FlashSaleSettings } from './flash/index.js';
import type { CatalogPages } from './pages.js';

export interface MallSettings extends FlashSaleSettings {
  /** How long a catalog reply is kept (pages.ts); 0: not kept. */
  readonly pageCacheMs: number;
}

export interface MallDeps {
  readonly clients: Clients<typeof mallCalls>;
  readonly pages: CatalogPages;
  readonly flash: FlashSales;
  /** Its now() reads the flash sales' windows (ms since the epoch). */
  readonly clock: Clock;
  /** The buy route's lane is added here (flash/buy-lane.ts); it checks callers as the routes do. */
  readonly lanes: Pick<Lanes, 'add'>;
  readonly callers: Callers;
}
