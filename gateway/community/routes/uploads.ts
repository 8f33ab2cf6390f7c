// Images: a signed-in user uploads one (its bytes as the request body) and gets the URL to use as
// an article's cover or in its Markdown; a local store's images are served back from here. The
// format is sniffed from the first bytes (#kit/media), never taken from the client's Content-Type,
// and decides the type the image is stored and served as.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '#kit/errors';
import { IMAGE_FORMATS, IMAGE_SNIFF_BYTES, sniffImage } from '#kit/media';
import { limitBy } from '../../plugins/limits.js';
import { errorReplies } from '../../schemas/common.js';
import type { CommunityDeps } from '../deps.js';
import { imageKey, imageUrl, MAX_IMAGE_BYTES, newImageFile } from '../images.js';
import { ImageParams, UploadReply } from '../schemas.js';

const tags = ['community'];
const NOT_AN_IMAGE = 'must be the bytes of a PNG, JPEG, WebP or GIF image';
const CACHE_FOREVER = 'public, max-age=31536000, immutable';

export async function uploadRoutes(fastify: FastifyInstance, d: CommunityDeps): Promise<void> {
  // Its own scope: here every body is raw bytes whatever its Content-Type, and only here.
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES }, (_request, body, done) => done(null, body));
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.post('/uploads', {
      schema: {
        tags,
        summary: `Upload an image (PNG, JPEG, WebP or GIF, at most ${MAX_IMAGE_BYTES / 1024 / 1024} MiB) as the request body`,
        security: [{ bearer: [] }],
        response: { 201: UploadReply, ...errorReplies(400, 401, 413, 429) },
      },
      bodyLimit: MAX_IMAGE_BYTES,
      // Who uploads, and whether they may, is settled from the headers before a byte of the body is read.
      onRequest: [app.authenticate, limitBy(d.uploadLimit, 'image uploads', (request) => `user:${request.userId}`)],
      handler: async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw errors.invalid('body', NOT_AN_IMAGE);
        const format = sniffImage(body.subarray(0, IMAGE_SNIFF_BYTES));
        if (format === undefined) throw errors.invalid('body', NOT_AN_IMAGE);
        const file = newImageFile(format);
        await d.blob.put(imageKey(file), body, { contentType: IMAGE_FORMATS[format].contentType, maxBytes: MAX_IMAGE_BYTES });
        return reply.code(201).send({ url: imageUrl(d.blob, file) });
      },
    });
  });

  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/images/:file', {
    schema: { tags, summary: 'An uploaded image (a local store; S3 serves its own URLs)', params: ImageParams },
    handler: async (request, reply) => {
      const image = await d.blob.get(imageKey(request.params.file));
      return reply
        .header('content-type', image.contentType)
        .header('content-length', String(image.size))
        .header('cache-control', CACHE_FOREVER)
        // Served from the API's origin: never let a browser sniff the bytes into something else.
        .header('x-content-type-options', 'nosniff')
        .send(image.body);
    },
  });
}
