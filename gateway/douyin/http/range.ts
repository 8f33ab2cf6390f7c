// The Range request header (RFC 9110 §14.2), single byte ranges only: "bytes=a-b", "bytes=a-"
// and "bytes=-n" (the last n bytes). Anything else (several ranges, other units, a malformed or
// backwards range) is ignored and the whole object served, as the RFC allows.

export type RangeSpec = { start: number; end?: number } | { suffix: number };

const SINGLE_RANGE = /^bytes=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

export function parseRange(header: string | undefined): RangeSpec | undefined {
  if (header === undefined) return undefined;
  const m = SINGLE_RANGE.exec(header);
  if (!m) return undefined;
  const [, first, last] = m as unknown as [string, string, string];
  if (first === '') {
    if (last === '') return undefined;
    const suffix = Number(last);
    return Number.isSafeInteger(suffix) ? { suffix } : undefined;
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start)) return undefined;
  if (last === '') return { start };
  const end = Number(last);
  if (!Number.isSafeInteger(end) || end < start) return undefined;
  return { start, end };
}
