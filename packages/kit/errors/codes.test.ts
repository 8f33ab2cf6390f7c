import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Code, allCodes, codeInfo, SurgeError } from './index.js';

// docs/errors.md is the public list of codes; this keeps it and the enum in step both ways.
const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\|\s*(\d{5})\s*\|\s*(\w+)\s*\|\s*(\d{3})\s*\|/gm)].map((m) => ({
  code: Number(m[1]),
  name: m[2],
  http: Number(m[3]),
}));

describe('error codes', () => {
  it('every code is documented with its name and HTTP status', () => {
    for (const code of allCodes) {
      const row = rows.find((r) => r.code === code);
      expect(row, `docs/errors.md lacks ${code}`).toBeDefined();
      expect(row!.name).toBe(codeInfo[code].name);
      expect(row!.http).toBe(codeInfo[code].http);
    }
  });

  it('every documented code exists', () => {
    expect(rows.map((r) => r.code).sort()).toEqual([...allCodes].sort());
  });

  it('names match their keys and codes are unique', () => {
    for (const [name, code] of Object.entries(Code)) expect(codeInfo[code].name).toBe(name);
    expect(new Set(allCodes).size).toBe(allCodes.length);
  });

  it('the hundreds group of a code is its HTTP status', () => {
    for (const code of allCodes) expect(Math.floor(code / 100)).toBe(codeInfo[code].http);
  });

  it('from() keeps SurgeErrors, hides unknown errors behind Internal and keeps the cause', () => {
    const e = new SurgeError(Code.NotFound, 'user not found');
    expect(SurgeError.from(e)).toBe(e);
    const raw = new Error('ER_NO_SUCH_TABLE: SELECT * FROM users');
    const wrapped = SurgeError.from(raw);
    expect(wrapped.code).toBe(Code.Internal);
    expect(wrapped.message).not.toContain('SELECT');
    expect(wrapped.cause).toBe(raw);
    expect(SurgeError.fromWire(12345, 'x').code).toBe(Code.Internal);
  });
});
