// The gateway's wiring, shared by the all-in-one process and the gateway-only process: rate
// limits over the shared limit store, tokens, health checks and the RPC clients it is given.
import type { Tracer } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAccountKeys, createTokens } from '#kit/auth';
import type { Clock } from '#kit/clock';
import { createPeriodLimit } from '#kit/limit';
import type { Metrics } from '#kit/observability';
import { buildGateway, gatewayFaces, selectFaces, startOpsServer, type ConnectedFace, type Face, type HealthCheck, type OpsServer } from '#gateway';
import { ConfigError, type Config } from './config/index.js';
import type { Infrastructure } from './infra.js';

/** GET /api/v1/users?ids=… answers at most this many profiles (the service packs up to 1000). */
const HTTP_USERS_PER_REQUEST = 100;

/**
 * The faces this process serves (http.faces, [] = every one of `all`, default gateway/faces.ts),
 * read before anything opens: an unknown name stops the start as a configuration error naming it.
 */
export function facesFor(config: Config, all: readonly Face[] = gatewayFaces): readonly Face[] {
  try {
    return selectFaces(all, config.http.faces);
  } catch (err) {
    throw new ConfigError(`http.faces: ${(err as Error).message}`, { cause: err });
  }
}

export function createGateway(o: { config: Config; infra: Infrastructure; faces: readonly ConnectedFace[]; checks: HealthCheck[]; metrics: Metrics; log: Logger; clock: Clock; tracer: Tracer }): Promise<FastifyInstance> {
  const { config, infra, clock } = o;
  const limit = (name: string, p: { quota: number; periodSeconds: number }) =>
    createPeriodLimit({ quota: p.quota, periodMs: p.periodSeconds * 1000, keyPrefix: `gw:${name}:`, store: infra.limitStore, clock });
  const l = config.limits;
  const limits = {
    loginPerIp: limit('login-ip', l.loginPerIp),
    loginPerAccount: limit('login-account', l.loginPerAccount),
    codePerIp: limit('code-ip', l.codePerIp),
    codePerMobile: limit('code-mobile', l.codePerMobile),
  };
  return buildGateway({
    faces: o.faces,
    tokens: createTokens({ secret: config.auth.jwtSecret, ttlSeconds: config.auth.tokenTtlSeconds, clock }),
    limits,
    // Mobiles read as the user service reads them, for the per-mobile limit keys.
    accountKeys: createAccountKeys({ defaultRegion: config.user.defaultRegion }),
    blob: infra.blob,
    douyin: { timeZone: config.douyin.timeZone, publicBaseUrl: config.douyin.publicBaseUrl.replace(/\/+$/, ''), maxUploadBytes: config.blob.maxBytes, formLimitBytes: config.douyin.formLimitBytes,
      uploads: { perUser: config.douyin.uploadsPerUser, inFlight: config.douyin.uploadsInFlight, perAddress: config.douyin.uploadsPerAddress } },
    checks: o.checks,
    ops: { token: config.ops.token, onApiPort: config.ops.port === 0 },
    metrics: o.metrics,
    logger: o.log,
    tracer: o.tracer,
    clock,
    options: { bodyLimitBytes: config.http.bodyLimitBytes, trustProxy: config.http.trustProxy, publicHosts: config.http.publicHosts, cors: config.http.cors, logRequests: config.log.requests, maxUsersPerBatch: HTTP_USERS_PER_REQUEST },
  });
}

/** Listens on http.host:http.port and returns the URL to print. */
export async function listen(app: FastifyInstance, config: Config): Promise<string> {
  await app.listen({ host: config.http.host, port: config.http.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `http://${host}:${port}`;
}

/** The ops pages' own listener (ops.host:ops.port), when ops.port is set; undefined when they are on the API port. */
export async function listenOps(o: { config: Config; metrics: Metrics; checks: HealthCheck[]; log: Logger; ready?: () => boolean }): Promise<OpsServer | undefined> {
  const ops = o.config.ops;
  if (ops.port === 0) return undefined;
  return startOpsServer({ host: ops.host, port: ops.port, token: ops.token, metrics: o.metrics, checks: o.checks, ready: o.ready, warn: (message) => o.log.warn(message) });
}
