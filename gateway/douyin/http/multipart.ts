// multipart/form-data through busboy. Fields are collected; the upload field's file is streamed
// to the route's sink as it arrives (never buffered whole), counted against the route's limit.
// Fields may come before or after the file: the parameters are complete only when the body
// ends and the sink has stored the file. The route vets the body as it arrives (admit: after
// each field, and when the file begins, before a byte of it is read) and the file's first bytes
// (check: before a byte reaches the sink). On any failure reading stops at once, the file stream
// is destroyed with the reason (so the sink removes what it wrote), and the failure is reported
// once the sink has let go, so nothing half-stored remains when the client hears the answer.
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import busboy, { type FileInfo } from 'busboy';
import { Code, SurgeError, errors } from '#kit/errors';
import { HeadCheck, type FileCheck } from './head-check.js';
import { clientGone, tooLarge } from './limits.js';
import type { ParamSource, UploadedFile } from './params.js';

/** Stores an uploaded file: consume `file` to its end, or reject (then it may stop reading). */
export type UploadSink = (file: Readable, info: { filename: string; mimeType: string }) => Promise<{ key: string; size: number }>;

export interface UploadTarget {
  /** The multipart field that carries the file. */
  field: string;
  maxBytes: number;
  sink: UploadSink;
  /** Removes a file the sink stored when the body then fails (a bad part after it); must not reject. */
  discard?: (key: string) => Promise<void>;
  /**
   * Vets the body as it arrives: called with the fields so far after each field (file false) and
   * once when the file part begins (file true). Throwing refuses the body at once, before the
   * next part is read; with file true, before any byte of the file is read.
   */
  admit?: (fields: ParamSource, file: boolean) => void;
  /** Judges the file by its first bytes before the sink gets any; see head-check.ts. */
  check?: FileCheck;
}

/** Douyin forms have a handful of fields; more is a broken or hostile client. */
const MAX_FIELDS = 100;

/** Passes a file's bytes through and fails with the given error once they pass the limit. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly exceeded: () => SurgeError,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) done(this.exceeded());
    else done(null, chunk);
  }
}

interface FileState {
  /** The streams between busboy and the sink, the sink's own last: destroyed with a failure. */
  streams: Transform[];
  info: FileInfo;
  /** Settles when the sink has let go of the file, stored or not. */
  settled: Promise<unknown>;
  stored?: { key: string; size: number };
}

export function readMultipart(raw: IncomingMessage, formLimitBytes: number, upload: UploadTarget | undefined): Promise<{ fields: ParamSource; upload?: UploadedFile }> {
  // With a file the body may hold the file and the fields; the file itself is counted exactly below.
  const tooBig = () => (upload ? tooLarge(upload.field, upload.maxBytes) : tooLarge('body', formLimitBytes));
  const bodyLimit = upload ? upload.maxBytes + formLimitBytes : formLimitBytes;
  if (Number(raw.headers['content-length']) > bodyLimit) return Promise.reject(tooBig());
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: raw.headers, defParamCharset: 'utf8', limits: { fieldSize: formLimitBytes, fields: MAX_FIELDS, parts: MAX_FIELDS + 2 } });
  } catch (err) {
    return Promise.reject(new SurgeError(Code.InvalidArgument, 'Content-Type: multipart/form-data needs a boundary parameter', { details: { field: 'Content-Type' }, cause: err }));
  }

  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = Object.create(null);
    let received = 0;
    let fieldBytes = 0;
    let ended = false;
    let parsed = false;
    let failure: SurgeError | undefined;
    let file: FileState | undefined;

    const fail = (err: SurgeError) => {
      if (failure !== undefined) return;
      failure = err;
      detach();
      raw.pause();
      parser.destroy();
      if (file === undefined) return reject(err);
      const current = file;
      for (const stream of current.streams) stream.destroy(err);
      void current.settled
        .then(() => (current.stored !== undefined && upload?.discard !== undefined ? upload.discard(current.stored.key) : undefined))
        .then(() => reject(err));
    };

    const finish = () => {
      if (failure !== undefined || !parsed) return;
      if (file === undefined) {
        detach();
        return resolve({ fields });
      }
      if (file.stored === undefined) return;
      detach();
      const { key, size } = file.stored;
      resolve({ fields, upload: { key, size, contentType: file.info.mimeType, filename: file.info.filename ?? '' } });
    };

    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > bodyLimit) return fail(tooBig());
      if (!parser.write(chunk)) raw.pause();
    };

    parser.on('drain', () => {
      if (failure === undefined) raw.resume();
    });
    // busboy finishes the chunk in hand after destroy(): parts after a failure are ignored.
    parser.on('field', (name, value, info) => {
      if (failure !== undefined) return;
      fieldBytes += value.length;
      if (info.nameTruncated || info.valueTruncated) return fail(tooLarge(name, formLimitBytes));
      if (fieldBytes > formLimitBytes) return fail(tooLarge('body', formLimitBytes));
      fields[name] ??= value; // a repeated name: the first value counts, as in the query
      if (upload?.admit !== undefined) vet(upload.admit, false);
    });
    parser.on('file', (name, stream, info) => {
      if (failure !== undefined) return void stream.on('error', noop).resume();
      if (upload === undefined || name !== upload.field || file !== undefined) {
        stream.on('error', noop).resume(); // destroyed with the parser below; nothing to report twice
        const problem = upload === undefined ? 'is a file, but this request takes no file'
          : name !== upload.field ? `is not a file field here; send the file as "${upload.field}"`
          : 'must be one file; this request sent several';
        return fail(errors.invalid(name, problem));
      }
      if (upload.admit !== undefined && !vet(upload.admit, true)) return void stream.on('error', noop).resume();
      const limit = new ByteLimit(upload.maxBytes, () => tooLarge(upload.field, upload.maxBytes));
      // busboy destroys the file stream when the body breaks off or is malformed mid-file.
      stream.on('error', (err) => limit.destroy(failure ?? malformed(err)));
      limit.on('error', (err) => fail(err instanceof SurgeError ? err : malformed(err)));
      stream.pipe(limit);
      const head = upload.check === undefined ? undefined : new HeadCheck(upload.field, upload.check);
      const input = head === undefined ? limit : limit.pipe(head);
      head?.on('error', (err) => fail(err instanceof SurgeError ? err : malformed(err)));
      // The sink starts only once the head has passed: a refused file never reaches it.
      const stored = (async () => {
        await head?.verdict;
        return upload.sink(input, { filename: info.filename ?? '', mimeType: info.mimeType });
      })();
      const current: FileState = { streams: head === undefined ? [limit] : [limit, head], info, settled: stored.then(noop, noop) };
      file = current;
      stored.then(
        (result) => {
          current.stored = result;
          // A sink that returns before the end of the file would leave the body unread for ever.
          if (!input.readableEnded) return fail(errors.internal(new Error('the upload sink returned before reading the whole file')));
          finish();
        },
        (err: unknown) => fail(sinkError(err, upload)),
      );
    });
    parser.on('filesLimit', () => fail(errors.invalid('body', `has more than ${MAX_FIELDS} parts`)));
    parser.on('fieldsLimit', () => fail(errors.invalid('body', `has more than ${MAX_FIELDS} fields`)));
    parser.on('partsLimit', () => fail(errors.invalid('body', `has more than ${MAX_FIELDS} parts`)));
    parser.on('error', (err) => fail(malformed(err)));
    parser.on('finish', () => {
      parsed = true;
      finish();
    });

    /** Runs the route's admit; a refusal fails the body. False when refused. */
    const vet = (admit: NonNullable<UploadTarget['admit']>, fileBegins: boolean): boolean => {
      try {
        admit(fields, fileBegins);
        return true;
      } catch (err) {
        fail(SurgeError.from(err));
        return false;
      }
    };

    const onEnd = () => {
      ended = true;
      parser.end();
    };
    const onError = (err: unknown) => fail(clientGone(err));
    const onClose = () => {
      if (!ended) fail(clientGone());
    };
    const detach = () => raw.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    raw.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function noop(): void {}

function malformed(cause: unknown): SurgeError {
  return new SurgeError(Code.InvalidArgument, 'body: is not a well-formed multipart/form-data body', { details: { field: 'body' }, cause });
}

/** The sink's failure as the client should hear it: a size limit is the file field's limit. */
function sinkError(err: unknown, upload: UploadTarget): SurgeError {
  const e = SurgeError.from(err);
  if (e.code === Code.PayloadTooLarge && e.details?.field !== upload.field) {
    return new SurgeError(Code.PayloadTooLarge, tooLarge(upload.field, upload.maxBytes).message, { details: { field: upload.field, limit: upload.maxBytes }, cause: e });
  }
  return e;
}
