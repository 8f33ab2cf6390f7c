// Limits on the shape of a request body, checked before it is parsed, for both faces: the /api/v1
// JSON parser (json-body.ts) and the Douyin body reader (douyin/http/body.ts). The byte limit
// alone does not bound the work: a 1 MB JSON body can hold 150,000 keys (the hardening review
// measured 80,000 at 0.45 s of event loop) or nest 500,000 levels, and a url-encoded one 250,000
// fields that node:querystring would silently cut at 1,000. Over a limit the body is refused
// with PayloadTooLarge (413; the Douyin face puts the code in its envelope) naming the limit.
//
// The JSON check is one linear scan of the text: strings are skipped with indexOf, and outside
// them it counts depth ('{' and '[') and fields (object keys and array items: the first member
// of a non-empty container, then one per ','). It judges only shape: malformed JSON is left to
// JSON.parse, which refuses it with its own message.
import { Code, SurgeError } from '#kit/errors';

export interface BodyLimits {
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Most fields in one body: JSON object keys and array items over the whole body, or url-encoded fields. */
  readonly maxFields: number;
}

export const BODY_LIMITS: BodyLimits = Object.freeze({
  /**
   * 32 levels. No Surge body nests more than 2 today; 32 leaves any future document shape room
   * while keeping recursive walkers (the JSON validator, prototype-poisoning checks, our own
   * code) far from the stack limit.
   */
  maxDepth: 32,
  /**
   * 1,000 fields. The largest Surge body today has 4; 1,000 leaves room for batch bodies of
   * hundreds of items, and is node:querystring's own default, so a form that parsed whole before
   * still does. At the measured ~6 µs per key, one body costs at most ~6 ms of event loop.
   */
  maxFields: 1000,
});

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const SPACE = 0x20;

export interface JsonShape {
  /** Deepest nesting seen (0 for a scalar). */
  depth: number;
  /** Object keys and array items seen. */
  fields: number;
}

/** The depth and field count of a JSON text; stops early once past maxDepth or maxFields. */
function scan(text: string, maxDepth: number, maxFields: number): JsonShape {
  let depth = 0;
  let deepest = 0;
  let fields = 0;
  /** A container just opened: its first member, if any, is a field. */
  let opened = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= SPACE) continue; // whitespace (and control characters, which JSON.parse refuses)
    if (opened) {
      opened = false;
      if (c !== CLOSE_OBJECT && c !== CLOSE_ARRAY && ++fields > maxFields) break;
    }
    if (c === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) break; // unterminated: JSON.parse's to report
    } else if (c === COMMA) {
      if (++fields > maxFields) break;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > deepest && (deepest = depth) > maxDepth) break;
      opened = true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return { depth: deepest, fields };
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    // Escaped when preceded by an odd number of backslashes.
    let slashes = 0;
    for (let j = end - 1; j > open && text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** The shape of a JSON text, for tests and diagnostics. */
export function jsonShape(text: string): JsonShape {
  return scan(text, Infinity, Infinity);
}

/** Throws PayloadTooLarge when the JSON text nests deeper or holds more fields than the limits. */
export function checkJsonShape(text: string, limits: BodyLimits = BODY_LIMITS): void {
  const shape = scan(text, limits.maxDepth, limits.maxFields);
  if (shape.depth > limits.maxDepth) throw tooDeep(limits.maxDepth);
  if (shape.fields > limits.maxFields) throw tooManyFields(limits.maxFields, ' (object keys and array items)');
}

/**
 * Throws PayloadTooLarge when a url-encoded body has more fields than the limit. Fields are the
 * '&'-separated pieces, as node:querystring counts them against its maxKeys.
 */
export function checkFormFields(text: string, limits: BodyLimits = BODY_LIMITS): void {
  if (text.length <= limits.maxFields) return; // too short to hold that many separators
  let fields = 1;
  for (let i = text.indexOf('&'); i !== -1 && i < text.length - 1; i = text.indexOf('&', i + 1)) {
    if (++fields > limits.maxFields) throw tooManyFields(limits.maxFields, '');
  }
}

function tooDeep(limit: number): SurgeError {
  return new SurgeError(Code.PayloadTooLarge, `body: nests deeper than the limit of ${limit} levels`, { details: { field: 'body', limit } });
}

function tooManyFields(limit: number, what: string): SurgeError {
  return new SurgeError(Code.PayloadTooLarge, `body: has more than the limit of ${limit} fields${what}`, { details: { field: 'body', limit } });
}
