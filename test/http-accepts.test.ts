// http.acceptsPerTurn reaches the gateway the system starts: a burst of clients connecting at once
// is accepted that many per event-loop turn, not one (decision 94), and 1 keeps libuv's own pace.
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedInOneTurn } from '#kit/testing';
import { startTestSystem, type TestSystem } from './harness.js';

let system: TestSystem | undefined;
let clients: net.Socket[] = [];
afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await system?.stop();
  system = undefined;
});

async function firstTurn(extra: Record<string, unknown>): Promise<number> {
  system = await startTestSystem('embedded', extra);
  const port = Number(new URL(system.url).port);
  const turn = await acceptedInOneTurn(system.app.server, port, 24);
  clients = turn.clients;
  // With the burst accepted, the gateway still answers a request on a connection of its own.
  const health = await fetch(`${system.url}/healthz`);
  expect(health.status).toBe(200);
  return turn.accepted;
}

describe.runIf(process.platform === 'linux')('http.acceptsPerTurn', () => {
  it('by default, a turn accepts 16 of 24 clients connecting at once', async () => {
    expect(await firstTurn({})).toBe(16);
  });

  it('at 1, a turn accepts one', async () => {
    expect(await firstTurn({ 'http.acceptsPerTurn': 1 })).toBe(1);
  });
});
