// The `err` serializer of every Surge logger: pino's standard one (type, message, stack, causes,
// own fields), then a copy with what a client sent taken out. Errors are where request content
// slips into logs: Node's HTTP parser attaches the raw bytes it read (`rawPacket`: request line,
// query string and headers), JSON.parse quotes the input around the fault in its message, a
// validator keeps the value it refused, and an error may carry a body or headers. Runs only for
// lines that log an error, so none of this costs anything on the request path.
import pino from 'pino';

/** Fields that hold what a client sent, dropped whole (their name says so, their content varies). */
const CLIENT_INPUT = new Set(['rawPacket', 'body', 'payload', 'data', 'validation', 'requestBody', 'input']);
/** Field names whose values are secrets wherever they sit in the error (compared in lower case, by substring). */
const SECRET_NAME = /password|passwd|secret|token|authorization|cookie|credential|api_?key|fieldkey|signature/i;
/** V8's JSON.parse message quotes up to ten characters either side of the fault: `…, "{"password": hunt"… is not valid JSON`. */
const JSON_SNIPPET = /(?:\.\.\.)?"[\s\S]*?"(?:\.\.\.)? is not valid JSON/g;
/** Nested fields below this depth are summarised; errors are not the place for deep objects. */
const MAX_DEPTH = 5;

const REDACTED = '[redacted]';

export function safeErr(err: unknown): unknown {
  const serialized = pino.stdSerializers.err(err as Error);
  if (serialized === err) return err; // not error-like: pino leaves it alone, and so do we
  return clean(serialized, 0);
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.includes(' is not valid JSON') ? value.replace(JSON_SNIPPET, '[input withheld] is not valid JSON') : value;
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${(value as ArrayBufferView).byteLength} bytes withheld]`;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out[key] = CLIENT_INPUT.has(key) ? REDACTED : SECRET_NAME.test(key) ? REDACTED : clean(v, depth + 1);
  }
  return out;
}
