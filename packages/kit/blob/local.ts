// Local-folder blob store for the single-process mode; the gateway serves its objects.
// Layout under dir: objects/<key> holds the bytes, meta/<key>.json the content type (a sidecar),
// tmp/ the uploads in flight. An upload streams into tmp/; only once complete are its sidecar and
// then its bytes renamed into place, so a reader never sees half a file (rename is atomic within
// one filesystem). An object exists when its bytes file does; the sidecar lands first, goes last.
import { createWriteStream } from 'node:fs';
import { access, constants, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SurgeError, Code, errors } from '#kit/errors';
import { checkKey, checkPutOptions, checkRange, countBody, rangeNotSatisfiable } from './checks.js';
import type { BlobInfo, BlobObject, BlobStore, ByteRange, PutOptions } from './types.js';

export interface LocalBlobStoreOptions {
  /** Folder that holds the objects; created when missing. Required (for example ./data/blobs). */
  dir: string;
}

const DEPENDENCY = 'blob store';
/** Errors that mean the disk, not the request, is the problem: the store is unavailable. */
const UNAVAILABLE_CODES = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'EMFILE', 'ENFILE', 'EDQUOT']);

function resolveLocalOptions(options: LocalBlobStoreOptions): { dir: string } {
  if (typeof options?.dir !== 'string' || options.dir === '') throw errors.invalid('dir', 'must name a folder');
  return Object.freeze({ dir: path.resolve(options.dir) });
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** File-system errors → Surge codes at the edge; the original stays as cause. */
function translate(err: unknown, key: string): SurgeError {
  if (err instanceof SurgeError) return err;
  const code = errnoCode(err);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SurgeError(Code.NotFound, `blob ${key} not found`, { cause: err });
  if (code && UNAVAILABLE_CODES.has(code)) return errors.unavailable(DEPENDENCY, err);
  return SurgeError.from(err);
}

export function createLocalBlobStore(options: LocalBlobStoreOptions): BlobStore {
  const { dir } = resolveLocalOptions(options);
  const objectsDir = path.join(dir, 'objects');
  const metaDir = path.join(dir, 'meta');
  const tmpDir = path.join(dir, 'tmp');
  // Keys are checked against a strict pattern first, so joining cannot leave these folders.
  const objectPath = (key: string) => path.join(objectsDir, key);
  const metaPath = (key: string) => path.join(metaDir, `${key}.json`);

  const readContentType = async (key: string): Promise<string> => {
    try {
      return (JSON.parse(await readFile(metaPath(key), 'utf8')) as { contentType: string }).contentType;
    } catch (err) {
      // A missing sidecar only happens when a delete races this read; the bytes are still valid.
      if (errnoCode(err) === 'ENOENT') return 'application/octet-stream';
      throw err;
    }
  };

  return {
    name: `local:${dir}`,

    async put(key: string, body: Readable | Uint8Array, putOptions: PutOptions) {
      checkKey(key);
      const { contentType, maxBytes } = checkPutOptions(putOptions);
      const counted = countBody(body, maxBytes);
      const tmpData = path.join(tmpDir, randomUUID());
      const tmpMeta = `${tmpData}.json`;
      try {
        await mkdir(tmpDir, { recursive: true });
        // The long part first: nothing visible changes until the whole body is on disk.
        await pipeline(counted.stream, createWriteStream(tmpData, { flags: 'wx' }));
        await writeFile(tmpMeta, JSON.stringify({ contentType }), { flag: 'wx' });
        await mkdir(path.dirname(metaPath(key)), { recursive: true });
        await mkdir(path.dirname(objectPath(key)), { recursive: true });
        await rename(tmpMeta, metaPath(key));
        await rename(tmpData, objectPath(key));
      } catch (err) {
        counted.destroy();
        await Promise.all([rm(tmpData, { force: true }), rm(tmpMeta, { force: true })]); // never leave a partial upload behind
        const failure = counted.failure();
        if (failure) throw failure;
        const code = errnoCode(err);
        if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
          throw new SurgeError(Code.InvalidArgument, `key: "${key}" clashes with another key used as its folder (a local store cannot hold both "a" and "a/b")`, { details: { field: 'key' }, cause: err });
        }
        throw translate(err, key);
      }
      return { key, size: counted.stream.bytes };
    },

    async get(key: string, range?: ByteRange): Promise<BlobObject> {
      checkKey(key);
      if (range) checkRange(range);
      // Open first, then stat the open file: the stream reads this inode even if the key is replaced meanwhile.
      const handle = await open(objectPath(key), 'r').catch((err: unknown) => { throw translate(err, key); });
      try {
        const [info, contentType] = await Promise.all([handle.stat(), readContentType(key)]);
        if (!info.isFile()) throw errors.notFound(`blob ${key}`); // a folder made by a longer key
        const size = info.size;
        if (!range) return { body: handle.createReadStream(), size, contentType };
        if (range.start >= size) throw rangeNotSatisfiable(range.start, size);
        const end = Math.min(range.end ?? size - 1, size - 1);
        return { body: handle.createReadStream({ start: range.start, end }), size, contentType, range: { start: range.start, end } };
      } catch (err) {
        await handle.close();
        throw translate(err, key);
      }
    },

    async stat(key: string): Promise<BlobInfo | undefined> {
      checkKey(key);
      try {
        const info = await stat(objectPath(key));
        if (!info.isFile()) return undefined;
        return { size: info.size, contentType: await readContentType(key) };
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw translate(err, key);
      }
    },

    async delete(key: string): Promise<void> {
      checkKey(key);
      try {
        await rm(objectPath(key), { force: true });
        await rm(metaPath(key), { force: true });
      } catch (err) {
        throw translate(err, key);
      }
    },

    publicUrl(): string | undefined {
      return undefined; // the gateway streams local objects itself
    },

    async ping(): Promise<void> {
      try {
        await mkdir(tmpDir, { recursive: true });
        await access(dir, constants.R_OK | constants.W_OK);
      } catch (err) {
        throw errors.unavailable(DEPENDENCY, err);
      }
    },
  };
}
