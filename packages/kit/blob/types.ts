// The blob store adapter: object bytes by key, streamed in and out. A local folder serves the
// single-process mode; S3-compatible storage the distributed one. Services see only this.
import type { Readable } from 'node:stream';

export interface PutOptions {
  /** Stored with the object and returned by get/stat; the gateway sends it as Content-Type. */
  contentType: string;
  /** Upload limit in bytes; a larger body is rejected with PayloadTooLarge and nothing is stored. Default: no limit. */
  maxBytes?: number;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP Range; past the end it is clamped to the last byte. Default: the last byte. */
  end?: number;
}

export interface BlobObject {
  body: Readable;
  /** Size of the whole object, whatever range was asked for. */
  size: number;
  contentType: string;
  /** The bytes body holds (inclusive), when a range was asked for. */
  range?: { start: number; end: number };
}

export interface BlobInfo {
  size: number;
  contentType: string;
}

export interface BlobStore {
  readonly name: string;
  /** Streams body in (never buffered whole); readers see the old object or the new one, never half. */
  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<{ key: string; size: number }>;
  /** The object's bytes as a stream (the caller must consume or destroy it); NotFound when absent. */
  get(key: string, range?: ByteRange): Promise<BlobObject>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Removes the object; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** A URL clients can fetch directly (S3), or undefined when the gateway must serve it (local). */
  publicUrl(key: string): string | undefined;
  /** Resolves when the store answers; rejects with SurgeError(Unavailable) naming it otherwise. */
  ping(): Promise<void>;
}
