// Starts a whole Surge system for end-to-end tests, in embedded mode or on the real servers
// (MariaDB, Redis, NATS JetStream, and S3 through s3rver), each run isolated by unique
// database, key and stream names, all removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import S3rver from 's3rver';
import { loadConfig, startSystem, type System } from '#app';
import { createLogger } from '#kit/observability';
import type { UserOverrides } from '#services/user';

export type Mode = 'embedded' | 'servers';

export interface TestSystem extends System {
  /** Codes the log sender would have written, by mobile. */
  codes: Map<string, string>;
  /** Everything the system logged, once lines batched in this turn are written; '' unless started with captureLog. */
  logText(): Promise<string>;
  stop(): Promise<void>;
}

export interface TestHooks {
  /** Sees every SQL statement, with the service that ran it. */
  onQuery?: (service: string, sql: string) => void;
  /**
   * Log at info level (request lines included) into memory instead of not at all, for tests that
   * check what reaches the log. Lines are kept as written, one string per write: cheap enough
   * for a whole e2e run.
   */
  captureLog?: boolean;
}

export async function startTestSystem(mode: Mode, extra: Record<string, unknown> = {}, hooks: TestHooks = {}): Promise<TestSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'surge-e2e-'));
  const tag = `t${randomBytes(4).toString('hex')}`;
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  // Password hashing at 2^10 instead of 2^17: test systems sign many users up and in, and at the
  // real cost (128 MiB, ~0.3 s each) fixtures would race RPC deadlines on a busy machine. The
  // default is proven by packages/kit/auth/passwords.test.ts and the security probes.
  // The demo catalog (1,000 products) only where a test asks for it: most tests never read it.
  const overrides: Record<string, unknown> = { dataDir: dir, 'log.level': 'silent', 'rpc.codecCheck': true, 'http.port': 0, 'http.host': '127.0.0.1', 'auth.passwordCost': 10, 'product.demoData': false, ...extra };
  if (mode === 'servers') {
    const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: 'surge-test', configs: [] }] });
    const { port } = (await s3.run()) as { port: number };
    cleanups.push(() => s3.close());
    Object.assign(overrides, {
      'auth.jwtSecret': 'e2e-secret-'.padEnd(40, 'x'),
      'auth.fieldKey': randomBytes(32).toString('base64'),
      'database.driver': 'mysql',
      'database.mysql.databasePrefix': `surgetest_${tag}`,
      'cache.driver': 'redis',
      'cache.redis.keyPrefix': `surgetest:${tag}:`,
      'queue.driver': 'nats',
      'queue.nats.namespace': `surgetest_${tag}`,
      'blob.driver': 's3',
      'blob.s3.endpoint': `http://127.0.0.1:${port}`,
      'blob.s3.bucket': 'surge-test',
      'blob.s3.accessKeyId': 'S3RVER',
      'blob.s3.secretAccessKey': 'S3RVER',
      ...extra,
    });
    cleanups.push(async () => {
      const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '' });
      const [rows] = await conn.query(`SHOW DATABASES LIKE 'surgetest\\_${tag}\\_%'`);
      for (const r of rows as Record<string, string>[]) await conn.query(`DROP DATABASE \`${Object.values(r)[0]}\``);
      await conn.end();
    });
  }
  const config = loadConfig({ env: {}, overrides });
  const codes = new Map<string, string>();
  const written: string[] = [];
  const system = await startSystem(config, {
    logger: hooks.captureLog ? createLogger({ level: 'info', destination: { write: (line: string) => written.push(line) } }) : createLogger({ level: 'silent' }),
    overrides: {
      // The user module's stand-in SMS sender (UserOverrides).
      ...({ codeSender: { send: async (mobile, code) => void codes.set(mobile, code) } } satisfies UserOverrides),
      ...(hooks.onQuery ? { onQuery: (service: string, e: { sql: string }) => hooks.onQuery!(service, e.sql) } : {}),
    },
  });
  return Object.assign(system, {
    codes,
    async logText() {
      // The access log writes the lines of one event-loop turn together, on the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      return written.join('');
    },
    async stop() {
      await system.close();
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    },
  });
}
