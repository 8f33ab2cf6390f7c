// Services hosted for their tests the way a process hosts them (startSystem, no port bound): the
// modules named, each with its own database, calling each other through the in-process transport
// with its codec check. Embedded (SQLite, in process) by default; `servers` puts the databases on
// MariaDB and the caches and delays in Redis under names starting with its tag, so hosts given
// one tag are instances of one system.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '#kit/observability';
import { loadConfig } from '../config/index.js';
import type { HostOverrides } from '../host.js';
import { entryNamed, loadModules } from '../modules.js';
import { startSystem, type System } from '../system.js';

export interface TestHostOptions {
  /** The services hosted, by name (services/index.ts). */
  services: readonly string[];
  /** Configuration by dotted key, over the test defaults below and the servers'. */
  config?: Record<string, unknown>;
  /** The modules' test seams (each module's …Overrides). */
  overrides?: HostOverrides;
  /** On MariaDB and Redis, under names starting with `tag`; ids from `workerId`. Default embedded. */
  servers?: { tag: string; workerId: number };
  /** Start on this data folder (another host's, to start again on its databases); kept on close. Default a fresh one. */
  dataDir?: string;
}

export interface TestHost {
  system: System;
  dataDir: string;
  /** Closes the system; removes a fresh data folder unless keepData. */
  close(o?: { keepData?: boolean }): Promise<void>;
}

export async function hostForTests(o: TestHostOptions): Promise<TestHost> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'surge-host-'));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      'log.level': 'silent',
      'rpc.codecCheck': true,
      // Given, so the data folder's secrets file is not made (and the config not validated again).
      'auth.jwtSecret': 'host-tests-'.padEnd(40, 'x'),
      'auth.fieldKey': Buffer.alloc(32, 3).toString('base64'),
      ...(o.servers ? onServers(o.servers) : {}),
      ...o.config,
    },
  });
  const modules = await loadModules(o.services.map((name) => entryNamed(name)));
  const system = await startSystem(config, { logger: createLogger({ level: 'silent' }), listen: false, modules, ...(o.overrides ? { overrides: o.overrides } : {}) });
  return {
    system,
    dataDir,
    async close({ keepData = false } = {}) {
      await system.close();
      if (!keepData && !o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function onServers(s: { tag: string; workerId: number }): Record<string, unknown> {
  return {
    'database.driver': 'mysql',
    'database.mysql.databasePrefix': `surgetest_${s.tag}`,
    'cache.driver': 'redis',
    'cache.redis.keyPrefix': `surgetest:${s.tag}:`,
    'ids.workerId': s.workerId,
  };
}
