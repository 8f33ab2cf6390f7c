// Image sniffing: which image format a file is, from its first bytes (its magic numbers), among
// the formats an image upload may be. The client's Content-Type and file name are never trusted:
// the format found here decides the stored type, so an HTML page or an SVG (which can carry
// script) sent as image/png is refused, not served back from the API's origin.
//
// Accepted, and why each:
//   png   89 50 4E 47 0D 0A 1A 0A, then the IHDR chunk: screenshots, illustrations.
//   jpeg  FF D8 FF (SOI, then any marker): what cameras and phones save.
//   webp  RIFF, a size, "WEBP", then a VP8, VP8L or VP8X chunk: what browsers and Android share.
//   gif   "GIF87a" or "GIF89a": short animations.
// Refused: SVG (a document with script), HEIC/AVIF (few browsers show them), BMP and TIFF (large,
// unshown), ICO.

/** The formats sniffImage recognises. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

/** Bytes sniffImage looks at: the longest signature (WebP's RIFF header and first chunk tag) is 16. */
export const IMAGE_SNIFF_BYTES = 16;

/** Each format's Content-Type and file extension. */
export const IMAGE_FORMATS: Readonly<Record<ImageFormat, { readonly contentType: string; readonly extension: string }>> = Object.freeze({
  png: { contentType: 'image/png', extension: 'png' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  webp: { contentType: 'image/webp', extension: 'webp' },
  gif: { contentType: 'image/gif', extension: 'gif' },
});

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SOI = [0xff, 0xd8, 0xff];

/** PNG: the eight-byte signature, then the first chunk, which must be IHDR (length 13). */
function png(head: Uint8Array): boolean {
  return head.length >= 16 && startsWith(head, 0, PNG_MAGIC) && ascii(head, 12, 4) === 'IHDR';
}

/** JPEG: the start-of-image marker followed by another marker's FF. */
function jpeg(head: Uint8Array): boolean {
  return head.length >= 4 && startsWith(head, 0, JPEG_SOI);
}

/** WebP: a RIFF file of form type "WEBP" whose first chunk is a WebP bitstream (lossy, lossless or extended). */
function webp(head: Uint8Array): boolean {
  return head.length >= 16 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP' && ['VP8 ', 'VP8L', 'VP8X'].includes(ascii(head, 12, 4));
}

/** GIF: either version of the signature. */
function gif(head: Uint8Array): boolean {
  const signature = ascii(head, 0, 6);
  return signature === 'GIF87a' || signature === 'GIF89a';
}

/**
 * The image format `head` (the first IMAGE_SNIFF_BYTES bytes of a file, or the whole of a shorter
 * one) begins, or undefined when it is none an image upload may be.
 */
export function sniffImage(head: Uint8Array): ImageFormat | undefined {
  if (png(head)) return 'png';
  if (jpeg(head)) return 'jpeg';
  if (webp(head)) return 'webp';
  if (gif(head)) return 'gif';
  return undefined;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function startsWith(bytes: Uint8Array, at: number, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}
