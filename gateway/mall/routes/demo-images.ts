// The demo catalog's pictures (the product service seeds URLs of this route): a generated SVG per
// number, so a newcomer's first `npm start` shows a browsable shop without any image files.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const ImageParams = Type.Object({ file: Type.String({ pattern: '^[1-9][0-9]{0,3}\\.svg$', description: 'must be <1–9999>.svg' }) }, { additionalProperties: false });

/** A tile of one of 12 hues with its number: the same bytes for the same number, forever. */
export function demoImage(n: number): string {
  const hue = (n * 47) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><rect width="400" height="400" fill="hsl(${hue},55%,62%)"/><text x="200" y="220" font-family="sans-serif" font-size="72" text-anchor="middle" fill="#fff">#${n}</text></svg>`;
}

export async function demoImageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/demo-images/:file', {
    schema: { tags: ['mall'], summary: 'A demo product picture (generated SVG)', params: ImageParams },
    handler: async (request, reply) => {
      const n = Number(request.params.file.slice(0, -'.svg'.length));
      return reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=31536000, immutable').send(demoImage(n));
    },
  });
}
