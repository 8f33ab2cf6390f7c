// What both adapters check the same way: keys, content types, ranges, and the byte counter that
// enforces maxBytes while a body streams through.
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { SurgeError, Code, errors } from '#kit/errors';
import type { ByteRange, PutOptions } from './types.js';

/** Path segments of letters, digits, '.', '_', '-' joined by '/': safe as a file path and as an S3 key, unescaped in URLs. */
const KEY_PATTERN = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const MAX_KEY_LENGTH = 512;
/** type/subtype with optional parameters; no control characters (it is echoed into a response header). */
const CONTENT_TYPE_PATTERN = /^[\w.+-]+\/[\w.+-]+(?:\s*;\s*[\w.+-]+=(?:[\w.+-]+|"[^"\x00-\x1f]*"))*$/;

export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw errors.invalid('key', `must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  if (!KEY_PATTERN.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
    throw errors.invalid('key', `"${key.slice(0, 80)}" is not a relative path of [A-Za-z0-9._-] segments (no "..", no leading "/")`);
  }
  return key;
}

export function checkPutOptions(options: PutOptions): { contentType: string; maxBytes: number } {
  const contentType = options?.contentType;
  if (typeof contentType !== 'string' || contentType.length > 255 || !CONTENT_TYPE_PATTERN.test(contentType)) {
    throw errors.invalid('contentType', `must look like "video/mp4" (got ${JSON.stringify(contentType)?.slice(0, 80)})`);
  }
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw errors.invalid('maxBytes', `must be a non-negative integer, got ${String(maxBytes)}`);
  return { contentType, maxBytes };
}

export function checkRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw errors.invalid('range', `start must be a non-negative integer, got ${String(start)}`);
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) throw errors.invalid('range', `end must be an integer ≥ start (${start}), got ${String(end)}`);
}

/** A start at or past the end of the object (HTTP would answer 416). */
export function rangeNotSatisfiable(start: number, size: number): SurgeError {
  return new SurgeError(Code.InvalidArgument, `range: start ${start} is past the end of the object (${size} bytes)`, { details: { field: 'range', size } });
}

export function tooLarge(maxBytes: number): SurgeError {
  return new SurgeError(Code.PayloadTooLarge, `the upload is larger than the limit of ${maxBytes} bytes`, { details: { limit: maxBytes } });
}

/** Passes bytes through, counting them; fails with PayloadTooLarge as soon as the count passes maxBytes. */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(tooLarge(this.maxBytes));
    done(null, chunk);
  }
}

/** A Uint8Array body as a one-chunk stream, so both body kinds take the same path. */
function toReadable(body: Readable | Uint8Array): Readable {
  if (body instanceof Uint8Array) return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)], { objectMode: false });
  if (body instanceof Readable) return body;
  throw errors.invalid('body', 'must be a Readable stream or a Uint8Array');
}

export interface CountedBody {
  /** The body's bytes, counted; errors once the count passes maxBytes or the source fails. */
  readonly stream: ByteCounter;
  /**
   * Why the body failed, if it did: the size limit, or the caller's stream breaking. Adapters
   * report this before whatever the store said afterwards (an abort may fail for its own reasons).
   */
  failure(): SurgeError | undefined;
  /** Stops reading the caller's stream (on any failure). */
  destroy(): void;
}

export function countBody(body: Readable | Uint8Array, maxBytes: number): CountedBody {
  const source = toReadable(body);
  const counter = new ByteCounter(maxBytes);
  let failure: SurgeError | undefined;
  source.on('error', (err) => {
    // Most often the client went away mid-upload.
    failure ??= err instanceof SurgeError ? err : new SurgeError(Code.Cancelled, 'the upload stream broke before it ended', { cause: err });
    counter.destroy(failure);
  });
  counter.on('error', (err) => {
    if (err instanceof SurgeError && err.code === Code.PayloadTooLarge) failure ??= err;
    source.destroy();
  });
  source.pipe(counter);
  return {
    stream: counter,
    failure: () => failure,
    destroy: () => {
      source.destroy();
      counter.destroy();
    },
  };
}
