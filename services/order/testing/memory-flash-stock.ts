// The seckill service's ReleaseTicket as the order service's tests need it, in memory: exactly
// once per ticket as the real one is (a repeat releases nothing), every call kept in order, and
// failures on demand (the seckill service away), so a test counts what reached the sale.
import { Code, SurgeError } from '#kit/errors';
import type { FlashReleaseReason, FlashStock } from '../flash-stock.js';

export interface FlashRelease {
  saleId: number;
  ticketId: number;
  reason: FlashReleaseReason;
}

export interface MemoryFlashStock extends FlashStock {
  /** Every release asked for, in order: repeats and failed ones included. */
  readonly calls: readonly FlashRelease[];
  /** The tickets whose units went back, each once, with the reason of its first release. */
  released(): FlashRelease[];
  /** The next n releases fail with Unavailable and release nothing. */
  failNext(n: number): void;
}

export function memoryFlashStock(): MemoryFlashStock {
  const calls: FlashRelease[] = [];
  const released = new Map<string, FlashRelease>();
  let failures = 0;
  return {
    calls,
    released: () => [...released.values()],
    failNext(n) {
      failures = n;
    },
    async release(saleId, ticketId, reason) {
      calls.push({ saleId, ticketId, reason });
      if (failures > 0) {
        failures -= 1;
        throw new SurgeError(Code.Unavailable, 'the seckill service is away (a test asked for it)', { details: { dependency: 'seckill service' } });
      }
      const key = `${saleId}:${ticketId}`;
      if (!released.has(key)) released.set(key, { saleId, ticketId, reason });
    },
  };
}
