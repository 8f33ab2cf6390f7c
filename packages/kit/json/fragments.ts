// JSON bytes remembered per object. Values the cache's local tier hands out are shared and never
// changed (a changed row is a new object), so the bytes one of them serializes to can be kept for
// as long as the object lives, and a page of twenty cached rows is joined from twenty buffers
// instead of serialized field by field each time. Keyed by identity in a WeakMap: nothing to
// invalidate, and the memory goes when the object does. A value that arrives decoded from the wire
// is a new object every time and is simply serialized (one WeakMap miss more than before).
import fastJson from 'fast-json-stringify';

/** A JSON Schema for fast-json-stringify (a TypeBox schema is one). */
export type JsonSchema = Parameters<typeof fastJson>[0];

/** `of(value)`: the UTF-8 JSON of view(value) under the schema, remembered while value lives. */
export interface JsonFragments<T extends object> {
  of(value: T): Buffer;
  /** `head[a,b,…]tail`: the fragments of values as a JSON array between two given pieces, in one buffer. */
  array(values: readonly T[], head?: Buffer, tail?: Buffer): Buffer;
}

const EMPTY = Buffer.alloc(0);
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/**
 * Fragments of `view(value)` serialized with `schema` (so only the schema's fields, with its
 * types, as a Fastify response schema would send them). `view` must depend on `value` alone.
 */
export function createJsonFragments<T extends object, V>(schema: JsonSchema, view: (value: T) => V): JsonFragments<T> {
  const serialize = fastJson(schema) as (v: V) => string;
  const known = new WeakMap<T, Buffer>();
  const of = (value: T): Buffer => {
    let bytes = known.get(value);
    if (bytes === undefined) {
      bytes = Buffer.from(serialize(view(value)));
      known.set(value, bytes);
    }
    return bytes;
  };
  return {
    of,
    array(values, head = EMPTY, tail = EMPTY) {
      // One allocation of the exact size: concatenating the pieces measured several times slower.
      const parts = values.map(of);
      let size = head.length + 2 + Math.max(0, parts.length - 1) + tail.length;
      for (const part of parts) size += part.length;
      const out = Buffer.allocUnsafe(size);
      let at = head.copy(out, 0);
      out[at++] = OPEN;
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) out[at++] = COMMA;
        at += parts[i]!.copy(out, at);
      }
      out[at++] = CLOSE;
      tail.copy(out, at);
      return out;
    },
  };
}
