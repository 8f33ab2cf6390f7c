// Cache keys of numeric ids, remembered. Ids are 53-bit numbers, which V8 turns into text with
// its full double-to-string routine (~120 ns each); a page of 30 rows and their authors builds
// a few hundred such keys per request. A remembered key is a map lookup (~15 ns) and the same
// string each time, whose hash is already computed when it is looked up again.
export type KeyOf = (id: number) => string;

/** make(id), remembered for up to maxEntries ids (then forgotten all at once: bounded memory, no bookkeeping). */
export function memoKeys(make: (id: number) => string, maxEntries = 100_000): KeyOf {
  const known = new Map<number, string>();
  return (id) => {
    let k = known.get(id);
    if (k === undefined) {
      if (known.size >= maxEntries) known.clear();
      k = make(id);
      known.set(id, k);
    }
    return k;
  };
}
