// Video container sniffing: which container a file is, from its first bytes (its magic numbers),
// among the containers a video upload may be. Whatever matches none is not a video to Surge: a
// playlist, an image, a script, a text file. Readers of uploads (the gateway as the bytes stream
// in, the video service before ffmpeg) refuse those, and ffmpeg is only ever run with its demuxer
// forced to the container found here, so no file can choose how ffmpeg reads it (an HLS playlist
// naming local files, a concat list, an image sequence pattern).
//
// Accepted, and why each:
//   iso-bmff  MP4, MOV, M4V, 3GP/3G2: what phones record (the Douyin client records MP4, iPhones
//             MOV). An `ftyp` box at offset 4 with a major brand that is not an image or audio-only
//             brand (HEIC/AVIF stills and M4A audio are ISO BMFF too). Old QuickTime files without
//             `ftyp` are refused: no phone of the last fifteen years writes one.
//   matroska  WebM and MKV: browser and Android screen recordings. The EBML magic 1A 45 DF A3 and
//             a DocType of "webm" or "matroska" in the header.
//   avi       RIFF with form type "AVI ": older cameras.
//   flv       "FLV" version 1 with the video flag set: stream recordings.
//   mpeg-ts   Transport streams (.ts, 188-byte packets) and M2TS (192-byte packets with a 4-byte
//             timestamp, AVCHD cameras): the 0x47 sync byte at every packet start for five packets.
// Refused although ffmpeg reads them: MPEG-PS/VOB, Ogg, ASF/WMV, RealMedia, raw elementary
// streams, GIF and animated images; few players on phones play them, and each demuxer left out is
// attack surface left out. Audio-only files in an accepted container pass (the first bytes cannot
// tell) and get a placeholder cover, as ffmpeg finds no frame.

/** The containers sniffVideo recognises. */
export type VideoContainer = 'iso-bmff' | 'matroska' | 'avi' | 'flv' | 'mpeg-ts';

/**
 * Bytes sniffVideo looks at: enough for five transport-stream packets of 192 bytes (4 + 4 × 192 + 1
 * = 773) with room to spare. A file shorter than this is judged on what it has.
 */
export const SNIFF_BYTES = 1024;

/** Major brands of ISO BMFF files that hold a still image (HEIF, AVIF, JPEG 2000, camera raw) or only audio. */
const NOT_VIDEO_BRANDS = new Set([
  // HEIF/HEIC stills and image sequences, AVIF, AVC-coded stills, JPEG in HEIF.
  'heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'mif2', 'msf1', 'avif', 'avis', 'avci', 'jpeg', 'jpgs',
  // JPEG 2000 family, Canon raw.
  'jp2 ', 'jpx ', 'jpm ', 'mjp2', 'crx ',
  // iTunes audio and audio books, Flash audio.
  'M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ',
]);

/** ISO BMFF: the first box is `ftyp` (size, type, major brand, minor version, compatible brands). */
function isoBmff(head: Uint8Array): boolean {
  if (head.length < 16 || ascii(head, 4, 4) !== 'ftyp') return false;
  const size = readU32(head, 0);
  // A real ftyp box is 16 bytes plus 4 per compatible brand; a few dozen brands at most.
  if (size < 16 || size > 4096) return false;
  const brand = ascii(head, 8, 4);
  return /^[\x20-\x7e]{4}$/.test(brand) && !NOT_VIDEO_BRANDS.has(brand);
}

/** EBML header IDs (Matroska specification, EBML RFC 8794). */
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const DOCTYPE_ID = [0x42, 0x82];

/** Matroska/WebM: the EBML magic, then a DocType element of "webm" or "matroska" within the header. */
function matroska(head: Uint8Array): boolean {
  if (!startsWith(head, 0, EBML_MAGIC)) return false;
  // The header is a few dozen bytes; DocType is a short string with a one-byte size (0x80 | n).
  const end = Math.min(head.length, 64);
  for (let i = 4; i + 3 < end; i++) {
    if (head[i] !== DOCTYPE_ID[0] || head[i + 1] !== DOCTYPE_ID[1]) continue;
    const sizeByte = head[i + 2]!;
    if ((sizeByte & 0x80) === 0) continue;
    const docType = ascii(head, i + 3, sizeByte & 0x7f).replace(/\0+$/, '');
    return docType === 'webm' || docType === 'matroska';
  }
  return false;
}

/** AVI: a RIFF file whose form type is "AVI " (WAVE and WebP are RIFF too). */
function avi(head: Uint8Array): boolean {
  return head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'AVI ';
}

/** The TypeFlagsVideo bit of the FLV header's flags byte. */
const FLV_HAS_VIDEO = 0x01;

/** FLV: "FLV", version 1, the video flag, and a header of at least 9 bytes. */
function flv(head: Uint8Array): boolean {
  return head.length >= 9 && ascii(head, 0, 3) === 'FLV' && head[3] === 1 && (head[4]! & FLV_HAS_VIDEO) !== 0 && readU32(head, 5) >= 9;
}

const TS_SYNC = 0x47;
/** Packets whose sync bytes must line up: one packet in 256 random bytes would, five in a row do not. */
const TS_PACKETS = 5;

/** MPEG-TS: the sync byte at the start of TS_PACKETS packets of 188 bytes, or of 192 after a 4-byte timestamp (M2TS). */
function mpegTs(head: Uint8Array): boolean {
  const aligned = (offset: number, stride: number) => {
    if (head.length <= offset + (TS_PACKETS - 1) * stride) return false;
    for (let k = 0; k < TS_PACKETS; k++) if (head[offset + k * stride] !== TS_SYNC) return false;
    return true;
  };
  return aligned(0, 188) || aligned(4, 192);
}

/**
 * The container `head` (the first SNIFF_BYTES bytes of a file, or the whole of a shorter one)
 * begins, or undefined when it is none a video upload may be.
 */
export function sniffVideo(head: Uint8Array): VideoContainer | undefined {
  if (isoBmff(head)) return 'iso-bmff';
  if (matroska(head)) return 'matroska';
  if (avi(head)) return 'avi';
  if (flv(head)) return 'flv';
  if (mpegTs(head)) return 'mpeg-ts';
  return undefined;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

function startsWith(bytes: Uint8Array, at: number, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}
