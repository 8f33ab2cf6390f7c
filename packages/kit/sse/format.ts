// The text/event-stream wire format (WHATWG HTML, "Server-sent events"): fields `id`, `event`,
// `retry` and one `data` line per line of the payload, then a blank line; a line starting with
// ':' is a comment, which clients ignore (heartbeats).
import { errors } from '#kit/errors';

export interface ServerSentEvent {
  /** Sent as `data:` lines; a string is sent as is (split on line breaks), anything else as JSON. */
  data: unknown;
  /** The event type (the client's addEventListener name); default 'message' on the client. */
  event?: string;
  /** The id a reconnecting client sends back as Last-Event-ID. No line breaks or NUL. */
  id?: string;
  /** Tells the client how long to wait before reconnecting, ms. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

export function formatEvent(e: ServerSentEvent): string {
  let out = '';
  if (e.id !== undefined) {
    // A client ignores an id with NUL, and a line break would start a field of the sender's choosing.
    if (/[\r\n\0]/.test(e.id)) throw errors.invalid('id', 'must not contain line breaks or NUL');
    out += `id: ${e.id}\n`;
  }
  if (e.event !== undefined) {
    if (/[\r\n]/.test(e.event) || e.event === '') throw errors.invalid('event', 'must be a non-empty name without line breaks');
    out += `event: ${e.event}\n`;
  }
  if (e.retry !== undefined) {
    if (!Number.isInteger(e.retry) || e.retry < 0) throw errors.invalid('retry', 'must be a whole number of ms');
    out += `retry: ${e.retry}\n`;
  }
  const text = typeof e.data === 'string' ? e.data : JSON.stringify(e.data) ?? '';
  for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line (heartbeats, the opening line); line breaks become spaces. */
export function formatComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}
