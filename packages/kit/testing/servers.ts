// Tests that need a real server (MariaDB, Redis, NATS, etcd) call requireServer().
// In CI (CI=true) a missing server fails the suite; elsewhere the suite is skipped
// with a message naming the server and how to start it.
import net from 'node:net';

export interface ServerSpec {
  name: string;
  host: string;
  port: number;
  /** How a developer starts it, shown when it is missing. */
  howToStart: string;
}

export const servers = {
  mariadb: { name: 'MariaDB', host: process.env.SURGE_TEST_MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.SURGE_TEST_MYSQL_PORT ?? 3306), howToStart: "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd (root, no password, on 127.0.0.1:3306)" },
  redis: { name: 'Redis', host: process.env.SURGE_TEST_REDIS_HOST ?? '127.0.0.1', port: Number(process.env.SURGE_TEST_REDIS_PORT ?? 6379), howToStart: 'redis-server --daemonize yes --port 6379' },
  nats: { name: 'NATS JetStream', host: process.env.SURGE_TEST_NATS_HOST ?? '127.0.0.1', port: Number(process.env.SURGE_TEST_NATS_PORT ?? 4222), howToStart: 'nats-server -js -a 127.0.0.1 -p 4222' },
} satisfies Record<string, ServerSpec>;

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Resolves true when the server answers. When it does not: throws in CI, otherwise
 * prints why the suite is skipped and resolves false. Use with describe.skipIf:
 *   const hasRedis = await requireServer(servers.redis);
 *   describe.skipIf(!hasRedis)('redis adapter', () => { … });
 */
export async function requireServer(spec: ServerSpec): Promise<boolean> {
  if (await reachable(spec.host, spec.port)) return true;
  const msg = `${spec.name} is not reachable on ${spec.host}:${spec.port}; start it with: ${spec.howToStart}`;
  if (inCI) throw new Error(`CI requires ${msg}`);
  console.warn(`skipping tests that need ${msg}`);
  return false;
}
