// Events written before topics were typed: JSON objects with the message's camelCase fields
// (`{"videoId":10,"authorId":2}`), still in JetStream streams (kept 7 days) and in outbox tables
// of instances not yet upgraded. Decoders read them for one release, then this file goes.
//
// Telling the forms apart: JSON events start with '{' (0x7b). As a protobuf tag that byte is field
// 15 with wire type 3 (a proto2 group), which no event message has, so a protobuf event never
// starts with it.
import { errors } from '#kit/errors';

const OPEN_BRACE = 0x7b;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isLegacyJson(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === OPEN_BRACE;
}

/**
 * The message from a legacy JSON event: each field of the message taken from the object when it
 * has the field's type, left at its proto3 default when absent; a field of another type fails.
 * Fields the message does not have are dropped, as protobuf drops unknown fields.
 */
export function fromLegacyJson<T extends object>(bytes: Uint8Array, defaults: T): T {
  const parsed: unknown = JSON.parse(utf8.decode(bytes));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.invalid('payload', 'a JSON event must be an object');
  const source = parsed as Record<string, unknown>;
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [field, fallback] of Object.entries(defaults)) {
    const value = source[field];
    if (value === undefined) continue;
    if (typeof value !== typeof fallback) throw errors.invalid(field, `a ${typeof fallback} in the JSON event`);
    out[field] = value;
  }
  return out as T;
}
