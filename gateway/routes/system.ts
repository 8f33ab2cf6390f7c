// Operational routes: health, metrics, API description.
import type { FastifyInstance } from 'fastify';
import { SurgeError, errors } from '#kit/errors';
import type { Metrics } from '#kit/observability';

export interface HealthCheck {
  /** The dependency's name as an operator knows it: database, redis, nats, blob store. */
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1500;

export async function systemRoutes(app: FastifyInstance, d: { checks: readonly HealthCheck[]; metrics: Metrics }): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(d.checks.map(async (c) => [c.name, await run(c)] as const));
    const failed = results.filter(([, r]) => r !== 'ok');
    const checks = Object.fromEntries(results);
    if (failed.length === 0) return { status: 'ok', checks };
    const e = errors.unavailable(failed.map(([n]) => n).join(', '));
    return reply.code(503).send({ status: 'unavailable', code: e.code, message: `${failed.map(([n, r]) => `${n}: ${r}`).join('; ')}`, checks });
  });

  // Liveness: the process answers. Dependencies failing is /healthz's business, not a reason to restart.
  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'alive' }));

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(d.metrics.contentType).send(await d.metrics.render()));
}

async function run(c: HealthCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return err instanceof SurgeError ? `${err.message}` : `not answering (${(err as Error).message})`;
  } finally {
    clearTimeout(timer);
  }
}
