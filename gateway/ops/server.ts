// A listener of the ops pages' own: ops.port for the gateway, rpc.metricsPort for a service
// process. /metrics and /healthz under the access rule (access.ts); /livez (the process answers)
// and /readyz (taking traffic, not draining) open to probes, since they say nothing else.
import { createServer, type Server } from 'node:http';
import type { Metrics } from '#kit/observability';
import { Code, SurgeError, codeInfo } from '#kit/errors';
import { isLoopback, opsAccess } from './access.js';
import { healthReport, type HealthCheck } from './health.js';

export interface OpsServerOptions {
  host: string;
  /** 0 = any free port (read it from `port`). */
  port: number;
  /** ops.token; '' = open to whoever reaches host:port. */
  token: string;
  metrics: Metrics;
  checks: readonly HealthCheck[];
  /** /readyz: false while draining. Default: always ready. */
  ready?: () => boolean;
  /** Told once at start when the pages are open to a non-loopback address without a token. */
  warn?: (message: string) => void;
}

export interface OpsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const allowed = opsAccess({ token: o.token, sharedListener: false });
  const ready = o.ready ?? (() => true);
  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => void res.writeHead(status, { 'content-type': type }).end(body);
    const fail = (e: SurgeError) => send(codeInfo[e.code].http, JSON_TYPE, JSON.stringify(e.toJSON()));
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/livez') return send(200, JSON_TYPE, '{"status":"alive"}');
    if (path === '/readyz') return ready() ? send(200, JSON_TYPE, '{"status":"ready"}') : send(503, JSON_TYPE, '{"status":"draining"}');
    if (path !== '/metrics' && path !== '/healthz') return fail(new SurgeError(Code.NotFound, `no route ${req.method} ${path}`));
    const refused = allowed({ peer: req.socket.remoteAddress, headers: req.headers });
    if (refused) return fail(refused);
    const answer = path === '/metrics' ? o.metrics.render().then((text) => send(200, o.metrics.contentType, text)) : healthReport(o.checks).then((r) => send(r.status, JSON_TYPE, JSON.stringify(r.body)));
    answer.catch(() => fail(new SurgeError(Code.Internal, 'internal error')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  if (o.token === '' && !isLoopback(o.host) && o.host !== 'localhost') o.warn?.(`ops pages (/metrics, /healthz) on ${o.host}:${port} without ops.token: whoever reaches this address can read them`);
  const shown = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return {
    port,
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
