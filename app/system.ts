// Starts a whole Surge system in one process: infrastructure, every service behind the
// in-process RPC transport, and the HTTP gateway in front. `npm start` and the end-to-end
// tests both come through here.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createTokens } from '#kit/auth';
import { systemClock, type Clock } from '#kit/clock';
import { createPeriodLimit, type LimitStore } from '#kit/limit';
import { createLogger, createMetrics, type Metrics } from '#kit/observability';
import { createClient, createInProcessTransport, RpcServer, serverInterceptors } from '#kit/rpc';
import { buildGateway } from '#gateway';
import { MAX_USERS_PER_BATCH, UserServiceDefinition } from '#services/user';
import { isEmbedded, type Config } from './config/index.js';
import { openInfrastructure } from './infra.js';
import { hostedServices, type HostContext, type HostedService } from './services.js';

export interface System {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly metrics: Metrics;
  readonly config: Config;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Default true. false builds everything but does not bind the port (tests use app.inject). */
  listen?: boolean;
  overrides?: HostContext['overrides'];
}

export async function startSystem(config: Config, options: StartOptions = {}): Promise<System> {
  const log = options.logger ?? createLogger({ level: config.log.level, name: 'surge' });
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ labels: { mode: isEmbedded(config) ? 'embedded' : 'servers' } });
  const infra = await openInfrastructure(config, log);
  const hosted: HostedService[] = [];
  try {
    const server = new RpcServer(serverInterceptors({ log, observer: metrics, clock }));
    const ctx: HostContext = { config, infra, server, clock, log, overrides: options.overrides };
    for (const host of hostedServices) hosted.push(await host(ctx));

    const transport = createInProcessTransport(server, { codecCheck: config.rpc.codecCheck });
    const users = createClient(UserServiceDefinition, transport, { defaultTimeoutMs: config.rpc.timeoutMs, clock });
    const limit = (store: LimitStore, name: string, p: { quota: number; periodSeconds: number }) =>
      createPeriodLimit({ quota: p.quota, periodMs: p.periodSeconds * 1000, keyPrefix: `gw:${name}:`, store, clock });
    const l = config.limits;
    const app = await buildGateway({
      clients: { users },
      tokens: createTokens({ secret: config.auth.jwtSecret, ttlSeconds: config.auth.tokenTtlSeconds, clock }),
      limits: {
        loginPerIp: limit(infra.limitStore, 'login-ip', l.loginPerIp),
        loginPerAccount: limit(infra.limitStore, 'login-account', l.loginPerAccount),
        codePerIp: limit(infra.limitStore, 'code-ip', l.codePerIp),
        codePerMobile: limit(infra.limitStore, 'code-mobile', l.codePerMobile),
      },
      checks: [...hosted.flatMap((h) => h.checks), ...infra.checks],
      metrics,
      logger: log,
      options: { bodyLimitBytes: config.http.bodyLimitBytes, trustProxy: config.http.trustProxy, logRequests: config.log.requests, maxUsersPerBatch: MAX_USERS_PER_BATCH },
    });

    let url = '';
    if (options.listen ?? true) {
      await app.listen({ host: config.http.host, port: config.http.port });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
      url = `http://${config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host}:${port}`;
    } else {
      await app.ready();
    }

    return {
      url,
      app,
      metrics,
      config,
      async close() {
        await app.close();
        for (const h of hosted.reverse()) await h.close();
        await infra.close();
        log.flush?.();
      },
    };
  } catch (err) {
    for (const h of hosted.reverse()) await h.close().catch(() => undefined);
    await infra.close();
    throw err;
  }
}
