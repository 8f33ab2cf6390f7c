// The gateway's wiring, shared by the all-in-one process and the gateway-only process: rate
// limits over the shared limit store, tokens, health checks and the RPC clients it is given.
import type { Tracer } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAccountKeys, createCallers, createTokens } from '#kit/auth';
import { Code, SurgeError } from '#kit/errors';
import type { Clock } from '#kit/clock';
import { createLocalFirstBucket, createPeriodLimit } from '#kit/limit';
import { startListenerCopies, type ListenerCopies } from '#kit/listener';
import { createMemoryPresence, createRedisPresence } from '#kit/presence';
import type { Metrics } from '#kit/observability';
import { buildGateway, createRoomPresence, gatewayFaces, selectFaces, startOpsServer, type ChatContext, type ConnectedGateway, type Face, type HealthCheck, type OpsServer, type gatewayCalls } from '#gateway';
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

/** What a gateway is built from. */
interface GatewayParts { config: Config; infra: Infrastructure; connected: ConnectedGateway<typeof gatewayCalls>; checks: HealthCheck[]; metrics: Metrics; log: Logger; clock: Clock; tracer: Tracer }

/** Each listening gateway's listener copies (http.acceptsPerTurn), closed as the gateway closes. */
const listenerCopies = new WeakMap<FastifyInstance, ListenerCopies>();

export async function createGateway(o: GatewayParts): Promise<FastifyInstance> {
  const app = await buildGatewayFor(o);
  // Before the server closes, so no copy hands it a connection after that.
  app.addHook('preClose', async () => {
    await listenerCopies.get(app)?.close();
  });
  return app;
}

function buildGatewayFor(o: GatewayParts): Promise<FastifyInstance> {
  const { config, infra, clock } = o;
  const limit = (name: string, p: { quota: number; periodSeconds: number }) =>
    createPeriodLimit({ quota: p.quota, periodMs: p.periodSeconds * 1000, keyPrefix: `gw:${name}:`, store: infra.limitStore, clock });
  const l = config.limits;
  const limits = {
    loginPerIp: limit('login-ip', l.loginPerIp),
    loginPerAccount: limit('login-account', l.loginPerAccount),
    codePerIp: limit('code-ip', l.codePerIp),
    codePerMobile: limit('code-mobile', l.codePerMobile),
    imageUploadsPerUser: limit('image-uploads', l.imageUploadsPerUser),
  };
  let chat: Promise<ChatContext> | undefined;
  const tokens = createTokens({ secret: config.auth.jwtSecret, ttlSeconds: config.auth.tokenTtlSeconds, clock });
  const { users } = o.connected.own;
  return buildGateway({
    faces: o.connected.faces,
    chat: () => (chat ??= chatContext(o)),
    tokens,
    callers: createCallers({
      tokens,
      trustMs: config.auth.accountCheckSeconds * 1000,
      clock,
      exists: (id) => users.getUser({ id }).then(() => true, (err: unknown) => {
        if (err instanceof SurgeError && err.code === Code.NotFound) return false;
        throw err;
      }),
    }),
    limits,
    // Mobiles read as the user service reads them, for the per-mobile limit keys.
    accountKeys: createAccountKeys({ defaultRegion: config.user.defaultRegion }),
    blob: infra.blob,
    douyin: { timeZone: config.douyin.timeZone, publicBaseUrl: config.douyin.publicBaseUrl.replace(/\/+$/, ''), maxUploadBytes: config.blob.maxBytes, formLimitBytes: config.douyin.formLimitBytes, feedCacheMs: config.douyin.feedCacheMs,
      uploads: { perUser: config.douyin.uploadsPerUser, inFlight: config.douyin.uploadsInFlight, perAddress: config.douyin.uploadsPerAddress } },
    community: { pageCacheMs: config.community.pageCacheMs },
    mall: { pageCacheMs: config.mall.pageCacheMs, buysPerUserPerSecond: config.seckill.buysPerUserPerSecond, soldOutRecheckMs: config.seckill.soldOutRecheckMs },
    // The sold-out flags of the mall's flash sales and the chat's rooms share it.
    broadcast: infra.broadcast,
    checks: o.checks,
    ops: { token: config.ops.token, onApiPort: config.ops.port === 0 },
    metrics: o.metrics,
    logger: o.log,
    tracer: o.tracer,
    clock,
    options: { bodyLimitBytes: config.http.bodyLimitBytes, trustProxy: config.http.trustProxy, publicHosts: config.http.publicHosts, cors: config.http.cors, logRequests: config.log.requests, maxUsersPerBatch: HTTP_USERS_PER_REQUEST, batchReplies: config.http.batchReplies },
  });
}

/**
 * The chat face's context: the broadcast between gateway instances, presence (in Redis when
 * there is Redis) refreshed by this instance, sends limited per user here and over the shared
 * limit store behind it.
 */
async function chatContext(o: { config: Config; infra: Infrastructure; log: Logger; clock: Clock }): Promise<ChatContext> {
  const { config, infra, clock } = o;
  const c = config.chatSocket;
  const ttlMs = c.presenceTtlSeconds * 1000;
  const store = infra.redis ? createRedisPresence({ redis: infra.redis, keyPrefix: `${config.cache.redis.keyPrefix}presence:`, ttlMs, clock }) : createMemoryPresence({ ttlMs, clock });
  // A send waits for no round trip to the shared store: decided here, the shared bucket told behind it (decision 97).
  const sends = createLocalFirstBucket({
    ratePerSec: c.sendsPerSecond,
    burst: c.sendsPerSecond,
    keyPrefix: 'gw:chat-send:',
    shared: infra.limitStore,
    clock,
    onSharedError: (err) => o.log.warn({ err }, 'chat: the shared send limit did not answer; sends are limited per gateway process meanwhile'),
  });
  return {
    broadcast: await infra.broadcast(),
    presence: createRoomPresence({ presence: store, clock, onError: (err) => o.log.warn({ err }, 'chat: refreshing presence failed; entries not refreshed expire and are joined again at the next refresh') }),
    takeSend: (userId) => sends.take(String(userId)),
    settings: {
      maxConnectionsPerUser: c.maxConnectionsPerUser,
      maxRoomsPerConnection: c.maxRoomsPerConnection,
      joinEventsMaxOnline: c.joinEventsMaxOnline,
      maxMessageChars: config.chat.maxMessageChars,
      // A message's characters as JSON escapes at worst (\uXXXX), and the frame around them.
      maxFrameBytes: config.chat.maxMessageChars * 6 + 1024,
      maxBufferedBytes: c.maxBufferedBytes,
      pingIntervalMs: c.pingIntervalSeconds * 1000,
      idleTimeoutMs: c.idleTimeoutSeconds * 1000,
      allowedOrigins: c.allowedOrigins,
    },
    clock,
  };
}

/**
 * Listens on http.host:http.port, with http.acceptsPerTurn descriptors for the socket (a burst of
 * new connections is then accepted that many per event-loop turn, not one), and returns the URL
 * to print.
 */
export async function listen(app: FastifyInstance, config: Config): Promise<string> {
  await app.listen({ host: config.http.host, port: config.http.port });
  const copies = startListenerCopies(app.server, {
    copies: config.http.acceptsPerTurn - 1,
    onError: (err) => app.log.warn({ err }, 'http: the listening socket has no copies; a burst of new connections is accepted one per event-loop turn'),
  });
  listenerCopies.set(app, copies);
  await copies.ready;
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
