// The shedder for "off": every request is admitted and nothing is measured.
import type { Shedder, ShedderHandle } from './shedder.js';

const settleNothing: ShedderHandle = Object.freeze({ pass() {}, fail() {} });

export function nopShedder(): Shedder {
  return { allow: () => settleNothing, close() {} };
}
