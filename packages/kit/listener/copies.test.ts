import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedInOneTurn } from '#kit/testing';
import { startListenerCopies, type ListenerCopies } from './index.js';

// acceptedInOneTurn reads the accept queue from /proc/net/tcp: Linux only, like the copies themselves.
const linux = process.platform === 'linux';

const open: { server: http.Server; copies: ListenerCopies; clients: net.Socket[] }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    for (const c of o.clients) c.destroy();
    await o.copies.close();
    o.server.closeAllConnections();
    await new Promise((r) => o.server.close(r));
  }
});

async function serve(copies: number, extra: { execPath?: string; errors?: Error[] } = {}) {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const handle = startListenerCopies(server, { copies, execPath: extra.execPath, onError: (err) => extra.errors?.push(err) ?? expect.fail(err.message) });
  const entry = { server, copies: handle, clients: [] as net.Socket[] };
  open.push(entry);
  return { ...entry, port: (server.address() as net.AddressInfo).port };
}

/** Connections accepted in one turn out of n waiting, the clients kept to be destroyed after the test. */
async function acceptedInFirstTurn(s: { server: http.Server; clients: net.Socket[]; port: number }, n: number): Promise<number> {
  const { accepted, clients } = await acceptedInOneTurn(s.server, s.port, n);
  s.clients.push(...clients);
  return accepted;
}

describe.runIf(linux)('listener copies', () => {
  it('without copies, libuv accepts one waiting connection per turn (why the copies exist)', async () => {
    const s = await serve(0);
    expect(await s.copies.ready).toBe(0);
    expect(await acceptedInFirstTurn(s, 20)).toBe(1);
  });

  it('with 7 copies, a turn accepts 8 waiting connections', async () => {
    const s = await serve(7);
    expect(await s.copies.ready).toBe(7);
    expect(await acceptedInFirstTurn(s, 20)).toBe(8);
  });

  it("hands the server every connection, made with the server's socket settings, and the server answers on each", async () => {
    const s = await serve(3);
    await s.copies.ready;
    const sockets: net.Socket[] = [];
    s.server.on('connection', (socket: net.Socket) => sockets.push(socket));
    await acceptedInFirstTurn(s, 12);
    const replies = await Promise.all(
      s.clients.map(
        (c) =>
          new Promise<string>((resolve, reject) => {
            let text = '';
            c.on('data', (b) => (text += b)).on('end', () => resolve(text)).on('error', reject);
            c.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
          }),
      ),
    );
    expect(replies.every((r) => r.startsWith('HTTP/1.1 200') && r.endsWith('ok'))).toBe(true);
    expect(sockets).toHaveLength(12);
    // node:http keeps a socket open after the client's end until its reply is written.
    expect(sockets.every((socket) => socket.allowHalfOpen)).toBe(true);
  });

  it('once the copies and the server are closed, the port refuses connections', async () => {
    const s = await serve(4);
    expect(await s.copies.ready).toBe(4);
    await s.copies.close();
    await new Promise((r) => s.server.close(r));
    const refused = await new Promise<string>((resolve) => net.connect(s.port, '127.0.0.1').on('connect', () => resolve('connected')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')));
    expect(refused).toBe('ECONNREFUSED');
  });

  it('closed before the helper is done: no copy is kept, and the port refuses connections', async () => {
    const s = await serve(4);
    await s.copies.close();
    expect(await s.copies.ready).toBe(0);
    await new Promise((r) => s.server.close(r));
    const refused = await new Promise<string>((resolve) => net.connect(s.port, '127.0.0.1').on('connect', () => resolve('connected')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')));
    expect(refused).toBe('ECONNREFUSED');
  });

  it('a helper that cannot start is reported, and the server keeps serving from its own descriptor', async () => {
    const errors: Error[] = [];
    const s = await serve(4, { execPath: '/nonexistent/node', errors });
    expect(await s.copies.ready).toBe(0);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('the helper failed')]);
    expect(await (await fetch(`http://127.0.0.1:${s.port}/`)).text()).toBe('ok');
  });
});
