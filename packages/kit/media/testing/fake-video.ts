// Bytes that sniff as a video container without being one, for tests that need an upload to be
// accepted but never decode it (the stored bytes are served back exactly). Tests only.
import type { VideoContainer } from '../containers.js';

/** The first bytes of each container, as its writers start it. */
const HEADS: Record<VideoContainer, () => Buffer> = {
  // ftyp, size 24: major brand isom, minor 512, compatible isom and mp41.
  'iso-bmff': () => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp41')]),
  // EBML header with DocType "webm".
  matroska: () => Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x93, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0x82, 0x84, ...Buffer.from('webm')]),
  avi: () => Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0x10, 0, 0]), Buffer.from('AVI LIST')]),
  // Version 1, audio and video, header of 9 bytes.
  flv: () => Buffer.concat([Buffer.from('FLV'), Buffer.from([1, 5, 0, 0, 0, 9])]),
  'mpeg-ts': () => Buffer.alloc(0),
};

/**
 * `size` bytes (at least the container's head) that begin like a file of `container` and
 * continue with a pattern; MPEG-TS gets a sync byte every 188 bytes throughout.
 */
export function fakeVideo(size = 2048, container: VideoContainer = 'iso-bmff'): Buffer {
  const head = HEADS[container]();
  const bytes = Buffer.alloc(Math.max(size, head.length, container === 'mpeg-ts' ? 5 * 188 : 0));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  head.copy(bytes);
  if (container === 'mpeg-ts') for (let i = 0; i < bytes.length; i += 188) bytes[i] = 0x47;
  return bytes;
}
