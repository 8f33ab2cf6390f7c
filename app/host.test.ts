// The generic host's order: every module of a process is registered before any consumer starts
// (so a consumer may call a module listed after its own), close runs consumers first and in
// reverse, and a module that fails to start leaves nothing of the others open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#kit/clock';
import { createLogger } from '#kit/observability';
import { Registry } from 'prom-client';
import { createClient, createInProcessTransport, RpcServer, type ServiceDefinition } from '#kit/rpc';
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { loadConfig, type Config } from './config/index.js';
import { hostModules, type HostContext } from './host.js';
import { openInfrastructure, type Infrastructure } from './infra.js';

const contract = (service: string) => ({ name: `${service}Service`, fullName: `surge.${service}.v1.${service}Service`, methods: { echo: EchoServiceDefinition.methods.echo } }) as const satisfies ServiceDefinition;
const First = contract('first');
const Second = contract('second');
const echo = (message: string) => ({ echo: async () => ({ message, number: 0, remainingMs: -1 }) });

describe('hostModules', () => {
  let dir: string;
  let config: Config;
  let infra: Infrastructure;
  const log = createLogger({ level: 'silent' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'surge-host-'));
    config = loadConfig({ env: {}, overrides: { dataDir: dir, 'log.level': 'silent' } });
    infra = await openInfrastructure(config, log);
  });
  afterAll(async () => {
    await infra?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hostContext = (): HostContext => {
    const server = new RpcServer();
    const transport = createInProcessTransport(server);
    return { config, infra, server, clock: systemClock, log, workerId: 1, clients: (definition) => createClient(definition, transport), metrics: new Registry() };
  };

  it('registers every module before any consumer starts, and closes consumers first, in reverse', async () => {
    const events: string[] = [];
    const calls = { second: Second };
    // Its consumer calls the module listed after it, at start.
    const first = defineServiceModule({
      definition: First,
      migrations: {},
      calls,
      handlers: () => echo('first'),
      async consumers(ctx: ModuleContext<unknown, unknown, typeof calls>) {
        events.push(`first consumer start: second says ${(await ctx.clients.second.echo({ message: '', number: 0, hops: 0 })).message}`);
        return { close: async () => void events.push('first consumer close') };
      },
    });
    const second = defineServiceModule({
      definition: Second,
      migrations: {},
      handlers: (ctx: ModuleContext) => {
        ctx.defer(async () => void events.push('second deferred close'));
        return echo('second');
      },
      consumers: async () => ({ close: async () => void events.push('second consumer close') }),
    });
    const hosted = await hostModules([first, second], hostContext());
    expect(hosted.map((h) => [h.name, h.checks.map((c) => c.name)])).toEqual([['first', ['database']], ['second', ['database']]]);
    for (const h of [...hosted].reverse()) await h.close();
    expect(events).toEqual(['first consumer start: second says second', 'second consumer close', 'second deferred close', 'first consumer close']);
  });

  it('a module failing to start closes what the others opened, and starts no consumer', async () => {
    const events: string[] = [];
    const first = defineServiceModule({
      definition: First,
      migrations: {},
      handlers: (ctx: ModuleContext) => {
        ctx.defer(async () => void events.push('first closed'));
        return echo('first');
      },
      consumers: async () => {
        events.push('first consumer started');
        return { close: async () => undefined };
      },
    });
    const second = defineServiceModule({
      definition: Second,
      migrations: {},
      handlers: () => {
        throw new Error('second cannot start');
      },
    });
    await expect(hostModules([first, second], hostContext())).rejects.toThrow('second cannot start');
    expect(events).toEqual(['first closed']);
  });
});
