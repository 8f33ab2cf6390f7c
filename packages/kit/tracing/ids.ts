// Trace ids (16 bytes) and span ids (8 bytes) from an injected random(), as lowercase hex:
// 32 random bits per 8 hex digits, written through a byte → hex table (Number#toString(16)
// costs about 10× more). An all-zero id is invalid in W3C Trace Context, so one is nudged to
// ...01 (a chance of 2^-64 at worst, but a seeded test random can hit it).
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

export function randomIdGenerator(random: () => number): IdGenerator {
  const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
  const id = (words: number): string => {
    let s = '';
    let any = 0;
    for (let i = 0; i < words; i++) {
      const w = (random() * 0x1_0000_0000) >>> 0;
      any |= w;
      s += hex[w >>> 24]! + hex[(w >>> 16) & 0xff]! + hex[(w >>> 8) & 0xff]! + hex[w & 0xff]!;
    }
    return any === 0 ? `${s.slice(0, -2)}01` : s;
  };
  return { generateTraceId: () => id(4), generateSpanId: () => id(2) };
}
