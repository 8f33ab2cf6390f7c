// Which characters user-written text may hold: the classes the text rule refuses, each with its
// reason, and what counts as invisible. Sources: Unicode's General_Category (Cc), UAX #9 (the
// bidirectional algorithm: explicit embeddings, overrides and isolates), the "Trojan Source"
// paper (Boucher & Anderson, 2021: bidi controls make text display in an order other than the
// stored one), and the Default_Ignorable_Code_Point property of the Unicode Character Database
// (characters a renderer shows as nothing when it does not support them).

/**
 * Control characters: C0 (U+0000–U+001F) but for tab and newline, DEL (U+007F), C1 (U+0080–U+009F).
 * They carry no text, and some act on what shows them: ESC starts terminal escape sequences in a
 * log viewer, NUL cuts C strings, CR rewrites a line, NEL (U+0085) is a line break to some readers.
 */
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * Line breaks and tabs: allowed in multi-line fields (\n, \t; \r\n is stored as \n) but not in
 * one-line fields, where \r is a line break too. U+2028 and U+2029 (line and paragraph separators) break lines in some renderers and not in
 * others, and JavaScript before ES2019 could not hold them in a string literal: \n is the one
 * line break text may hold.
 */
export const LINE_BREAK = /[\r\n\t\u2028\u2029]/;
export const UNICODE_LINE_BREAK = /[\u2028\u2029]/;

/**
 * Bidi embeddings and overrides (U+202A–U+202E: LRE, RLE, PDF, LRO, RLO) and isolates
 * (U+2066–U+2069: LRI, RLI, FSI, PDI). They reorder everything up to their terminator, so
 * "abc\u202Egpj.exe" shows as "abcexe.jpg"; an unterminated one leaks into the text displayed
 * after it (the next comment, the name beside it).
 * The marks U+200E (LRM), U+200F (RLM) and U+061C (ALM) are allowed: they are invisible
 * letters of a fixed direction that change only how neutral characters next to them settle (the
 * "!" after a Hebrew word), never reorder a run, and cannot open a span that leaks; mixed
 * Arabic or Hebrew and Latin text needs them. Alone they are invisible, and refused as such.
 */
export const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * A UTF-16 surrogate with no partner: with the u flag a regex reads a proper pair as one code
 * point, so this matches lone halves only. Such a string is not well-formed UTF-16: it has no
 * UTF-8 form (databases and encoders refuse it or turn it into U+FFFD).
 */
export const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * A character a reader can see: anything but whitespace (\s: spaces of every width, line
 * breaks, U+FEFF), default-ignorable code points (zero-width space, joiners and non-joiners,
 * word joiner, bidi marks, soft hyphen, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
 * variation selectors, tag characters, …) and U+2800 (the Braille blank, drawn as empty space
 * and a well-known way to make a "blank" name).
 */
export const VISIBLE = /[^\s\p{Default_Ignorable_Code_Point}\u2800]/u;

/** One character a reader cannot see (the complement of VISIBLE but for whitespace), anywhere in a text. */
export const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/u;

/** "U+001B": how a refused character is named in a message (never echoed: it may be an escape). */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Code points, as people count characters: an emoji is one, though two UTF-16 units. */
export function countCodePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
