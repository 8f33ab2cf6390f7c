// Trace ids (16 bytes) and span ids (8 bytes) from an injected random(), as lowercase hex:
// 32 random bits per 8 hex digits. An all-zero id is invalid in W3C Trace Context, so one
// is nudged to ...01 (a chance of 2^-64 at worst, but a seeded test random can hit it).
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

export function randomIdGenerator(random: () => number): IdGenerator {
  const id = (words: number): string => {
    let s = '';
    let any = 0;
    for (let i = 0; i < words; i++) {
      const w = (random() * 0x1_0000_0000) >>> 0;
      any |= w;
      s += w.toString(16).padStart(8, '0');
    }
    return any === 0 ? `${s.slice(0, -2)}01` : s;
  };
  return { generateTraceId: () => id(4), generateSpanId: () => id(2) };
}
