import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './index.js';

// One request/response over a fresh connection: resolves with the echoed text, or
// 'closed' when the connection is dropped before an answer.
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.setTimeout(2000, () => s.destroy());
    s.on('connect', () => s.write(text));
    s.on('data', (d) => {
      got += d.toString();
      if (got.length >= text.length) s.end();
    });
    s.on('error', () => {});
    s.on('close', () => resolve(got === text ? got : 'closed'));
  });
}

describe('startTcpProxy', () => {
  let echo: net.Server;
  let proxy: TcpProxy;
  beforeAll(async () => {
    echo = net.createServer((s) => s.on('error', () => {}).pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port } });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  it('forwards both ways', async () => {
    expect(proxy.port).toBeGreaterThan(0);
    expect(await roundTrip(proxy.port, 'hello')).toBe('hello');
  });

  it('cut() drops open connections and refuses new ones; restore() lets them through again', async () => {
    const s = net.connect(proxy.port, '127.0.0.1');
    s.on('error', () => {});
    await new Promise<void>((r) => s.once('connect', () => r()));
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    proxy.cut();
    await closed;
    expect(s.destroyed).toBe(true);
    expect(await roundTrip(proxy.port, 'refused?')).toBe('closed');
    proxy.restore();
    expect(await roundTrip(proxy.port, 'back')).toBe('back');
  });
});
