// A request body read whole from the raw request, bounded: for readers outside Fastify's
// parser (the Douyin face's forms, the flash-sale buy's lane).
import type { IncomingMessage } from 'node:http';
import type { SurgeError } from '#kit/errors';
import { clientGone, tooLarge } from '../douyin/http/limits.js';

/** The whole body, at most limit bytes; a larger one is refused without reading the rest. */
export function readAll(raw: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(raw.headers['content-length']) > limit) return Promise.reject(tooLarge('body', limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: SurgeError | undefined) => {
      raw.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err === undefined) return resolve(Buffer.concat(chunks, size));
      raw.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge('body', limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = (err: unknown) => finish(clientGone(err));
    const onClose = () => finish(clientGone());
    raw.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
