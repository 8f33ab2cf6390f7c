// Where uploaded images live and how they are named: the blob store key community/images/<uuid>.<ext>
// (a fresh key per upload, never reused, so a reply may be cached forever), shown to clients as the
// store's own URL (S3) or as a path under this face (a local store, served by routes/images.ts).
// An article's cover must be such a URL, of an image that was stored.
import { randomUUID } from 'node:crypto';
import type { BlobStore } from '#kit/blob';
import { errors } from '#kit/errors';
import { IMAGE_FORMATS, type ImageFormat } from '#kit/media';
import { COMMUNITY_PREFIX } from './prefix.js';

/** Largest image an upload may be: a phone photo re-encoded for the web fits, a camera's raw output does not. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** An image's file name: a UUID and the extension of its sniffed format. */
export const IMAGE_FILE = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(png|jpg|webp|gif)$';
const IMAGE_FILE_RE = new RegExp(IMAGE_FILE);

const KEY_FOLDER = 'community/images/';

/** The blob store key of an image file name. */
export const imageKey = (file: string): string => KEY_FOLDER + file;

/** A fresh file name for an image of this format. */
export const newImageFile = (format: ImageFormat): string => `${randomUUID()}.${IMAGE_FORMATS[format].extension}`;

/** The URL clients are given for an image file: the store's own, or the path this face serves it at. */
export const imageUrl = (blob: BlobStore, file: string): string => blob.publicUrl(imageKey(file)) ?? `${COMMUNITY_PREFIX}/images/${file}`;

/**
 * A cover URL as an article may hold it: "" (none), or a URL POST /uploads returned for an image
 * still in the store. Anything else is InvalidArgument naming cover_url.
 */
export async function checkCoverUrl(blob: BlobStore, url: string): Promise<string> {
  if (url === '') return url;
  const file = url.slice(url.lastIndexOf('/') + 1);
  const bad = () => errors.invalid('cover_url', 'must be a URL that POST /api/v1/community/uploads returned, or null for no cover');
  if (!IMAGE_FILE_RE.test(file) || imageUrl(blob, file) !== url) throw bad();
  if ((await blob.stat(imageKey(file))) === undefined) throw bad();
  return url;
}
