// S3-compatible blob store (AWS S3, MinIO, R2, Ceph) for the distributed mode.
// Uploads stream through @aws-sdk/lib-storage's Upload: multipart in parts of partSizeBytes, at
// most queueSize parts in memory, so memory stays bounded whatever the body size. S3 shows an
// object only once its upload completes, and Upload aborts the multipart upload on failure, so an
// oversize or broken upload leaves no object. (Should the abort itself fail, parts linger unseen:
// give production buckets an AbortIncompleteMultipartUpload lifecycle rule.)
import {
  S3Client,
  GetObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { SurgeError, Code, errors } from '#kit/errors';
import { checkKey, checkPutOptions, checkRange, countBody, rangeNotSatisfiable } from './checks.js';
import type { BlobInfo, BlobObject, BlobStore, ByteRange, PutOptions } from './types.js';

export interface S3BlobStoreOptions {
  /** Service URL for non-AWS stores (http://127.0.0.1:9000). Default: AWS's endpoint for the region. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Address buckets as endpoint/bucket/key instead of bucket.endpoint/key. Default false; MinIO and test servers need true. */
  forcePathStyle?: boolean;
  /** Base of publicUrl (a CDN in front of a public-read bucket). Default: derived from endpoint and bucket. */
  publicBaseUrl?: string;
  /** Multipart part size. Default 5 MiB, S3's minimum: the least memory per upload in flight. */
  partSizeBytes?: number;
  /** Parts uploaded at once per upload. Default 2: overlaps network and reading with ≤ 10 MiB buffered per upload. */
  queueSize?: number;
  /** Milliseconds to wait for a TCP connection. Default 3,000: fail fast to Unavailable when the store is down. */
  connectTimeoutMs?: number;
  /** Milliseconds of socket inactivity before a request fails. Default 30,000: parts of 5 MiB on a slow link. */
  requestTimeoutMs?: number;
}

const DEPENDENCY = 'blob store';
const MIN_PART = 5 * 1024 * 1024;

interface Resolved extends Required<Omit<S3BlobStoreOptions, 'endpoint' | 'publicBaseUrl'>> {
  endpoint: string | undefined;
  publicBaseUrl: string;
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw errors.invalid(field, 'must be a non-empty string');
  return value;
}

function positive(value: unknown, field: string, min = 1): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw errors.invalid(field, `must be an integer ≥ ${min}, got ${String(value)}`);
  return value as number;
}

function resolveS3Options(options: S3BlobStoreOptions): Resolved {
  const region = nonEmpty(options?.region, 'region');
  const bucket = nonEmpty(options.bucket, 'bucket');
  const forcePathStyle = options.forcePathStyle ?? false;
  let endpoint: string | undefined;
  if (options.endpoint !== undefined) {
    try {
      endpoint = new URL(nonEmpty(options.endpoint, 'endpoint')).toString().replace(/\/$/, '');
    } catch (err) {
      throw err instanceof SurgeError ? err : errors.invalid('endpoint', `is not a URL: ${options.endpoint}`);
    }
  }
  const base = options.publicBaseUrl
    ?? (endpoint
      ? (forcePathStyle ? `${endpoint}/${bucket}` : endpoint.replace('://', `://${bucket}.`))
      : `https://${bucket}.s3.${region}.amazonaws.com`);
  return Object.freeze({
    endpoint,
    region,
    bucket,
    accessKeyId: nonEmpty(options.accessKeyId, 'accessKeyId'),
    secretAccessKey: nonEmpty(options.secretAccessKey, 'secretAccessKey'),
    forcePathStyle,
    publicBaseUrl: base.replace(/\/$/, ''),
    partSizeBytes: positive(options.partSizeBytes ?? MIN_PART, 'partSizeBytes', MIN_PART),
    queueSize: positive(options.queueSize ?? 2, 'queueSize'),
    connectTimeoutMs: positive(options.connectTimeoutMs ?? 3_000, 'connectTimeoutMs'),
    requestTimeoutMs: positive(options.requestTimeoutMs ?? 30_000, 'requestTimeoutMs'),
  });
}

interface AwsError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** S3 and network errors → Surge codes at the edge; the original stays as cause. */
function translate(err: unknown, key?: string): SurgeError {
  if (err instanceof SurgeError) return err;
  const e = (err ?? {}) as AwsError;
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'NoSuchKey' || e.name === 'NotFound' || status === 404) {
    return new SurgeError(Code.NotFound, key ? `blob ${key} not found` : 'blob bucket not found', { cause: err });
  }
  if (e.name === 'AbortError') return SurgeError.from(err);
  // No HTTP status: the request never got an answer (refused, reset, timed out, DNS). 5xx: the store is failing.
  if (status === undefined || status >= 500) return errors.unavailable(DEPENDENCY, err);
  return errors.internal(err); // 4xx other than 404: credentials, bucket policy or a bug on our side
}

/** "bytes 0-9/1234" → 1234. */
function totalFromContentRange(contentRange: string | undefined): number | undefined {
  const m = /\/(\d+)$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : undefined;
}

export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const o = resolveS3Options(options);
  const config: S3ClientConfig = {
    region: o.region,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    forcePathStyle: o.forcePathStyle,
    // Flexible checksums (CRC32 with aws-chunked bodies) are not understood by every S3-compatible
    // store; send checksums only where S3 requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: o.connectTimeoutMs, requestTimeout: o.requestTimeoutMs },
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
  };
  const client = new S3Client(config);
  const Bucket = o.bucket;

  const statObject = async (key: string): Promise<BlobInfo | undefined> => {
    checkKey(key);
    try {
      const res = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return { size: res.ContentLength ?? 0, contentType: res.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      const e = translate(err, key);
      if (e.code === Code.NotFound) return undefined;
      throw e;
    }
  };

  return {
    name: `s3:${o.bucket}`,

    async put(key: string, body: Readable | Uint8Array, putOptions: PutOptions) {
      checkKey(key);
      const { contentType, maxBytes } = checkPutOptions(putOptions);
      const counted = countBody(body, maxBytes);
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: counted.stream, ContentType: contentType },
        partSize: o.partSizeBytes,
        queueSize: o.queueSize,
        leavePartsOnError: false, // abort the multipart upload: no orphan parts, no object
      });
      try {
        await upload.done();
      } catch (err) {
        counted.destroy(); // stop reading the caller's stream: nothing more will be stored
        throw counted.failure() ?? translate(err, key);
      }
      return { key, size: counted.stream.bytes };
    },

    async get(key: string, range?: ByteRange): Promise<BlobObject> {
      checkKey(key);
      if (range) checkRange(range);
      const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
      let res;
      try {
        res = await client.send(new GetObjectCommand({ Bucket, Key: key, ...(Range ? { Range } : {}) }));
      } catch (err) {
        if ((err as AwsError).$metadata?.httpStatusCode === 416 && range) {
          const info = await statObject(key);
          if (!info) throw errors.notFound(`blob ${key}`);
          throw rangeNotSatisfiable(range.start, info.size);
        }
        throw translate(err, key);
      }
      const body = res.Body as Readable;
      const contentType = res.ContentType ?? 'application/octet-stream';
      const length = res.ContentLength ?? 0;
      if (!range) return { body, size: length, contentType };
      const size = totalFromContentRange(res.ContentRange) ?? length;
      if (range.start >= size) {
        body.destroy();
        throw rangeNotSatisfiable(range.start, size);
      }
      return { body, size, contentType, range: { start: range.start, end: range.start + length - 1 } };
    },

    stat: statObject,

    async delete(key: string): Promise<void> {
      checkKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      } catch (err) {
        const e = translate(err, key);
        if (e.code !== Code.NotFound) throw e; // already gone is what delete wants
      }
    },

    publicUrl(key: string): string {
      // Keys are restricted to URL-safe characters, so they need no escaping.
      return `${o.publicBaseUrl}/${checkKey(key)}`;
    },

    async ping(): Promise<void> {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (err) {
        const e = translate(err);
        throw e.code === Code.Unavailable ? e : errors.unavailable(DEPENDENCY, err);
      }
    },
  };
}
