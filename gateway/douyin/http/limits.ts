// The errors of reading a body, shared by the form and multipart readers.
import { Code, SurgeError } from '#kit/errors';

const MB = 1024 * 1024;

/** A limit for people: "50 MB", "1.5 MB", or bytes when below a tenth of a megabyte. */
export function formatLimit(bytes: number): string {
  return bytes >= MB / 10 ? `${Number((bytes / MB).toFixed(1))} MB` : `${bytes} bytes`;
}

/** PayloadTooLarge naming what was too large (the body, or the file field) and the limit. */
export function tooLarge(field: string, limitBytes: number): SurgeError {
  return new SurgeError(Code.PayloadTooLarge, `${field}: is larger than the limit of ${formatLimit(limitBytes)}`, { details: { field, limit: limitBytes } });
}

/** The client went away mid-body; nobody reads the answer, but the handler must stop. */
export function clientGone(cause?: unknown): SurgeError {
  return new SurgeError(Code.Cancelled, 'the client went away before the body arrived', { cause });
}
