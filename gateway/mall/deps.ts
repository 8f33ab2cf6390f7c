// What the mall face's routes are given: a client per service it calls (face.ts).
import type { Clients } from '#kit/service';
import type { mallCalls } from './calls.js';

export interface MallDeps {
  readonly clients: Clients<typeof mallCalls>;
}
