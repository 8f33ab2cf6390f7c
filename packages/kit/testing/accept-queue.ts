// How many waiting connections a server accepts in one event-loop turn: the figure the listener
// copies (#kit/listener) change. Linux only: the accept queue is read from /proc/net/tcp.
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Connections waiting in the kernel's accept queue of the IPv4 listening socket at 127.0.0.1:port. */
export function acceptQueueLength(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local && f[3] === '0A') return parseInt(f[4].split(':')[1], 16);
  }
  return 0;
}

/**
 * Opens n connections to 127.0.0.1:port while the event loop is held, so they all wait in the
 * accept queue, then counts those `server` is handed in the first turn that accepts any. The
 * clients are returned for the caller to use and destroy.
 */
export async function acceptedInOneTurn(server: net.Server, port: number, n: number): Promise<{ accepted: number; clients: net.Socket[] }> {
  let accepted = 0;
  const firstTurn = new Promise<number>((resolve) => {
    const count = () => {
      // The first accept runs in the poll phase; setImmediate fires once that phase has served every ready descriptor.
      if (accepted++ > 0) return;
      setImmediate(() => {
        server.off('connection', count);
        resolve(accepted);
      });
    };
    server.on('connection', count);
  });
  const clients = Array.from({ length: n }, () => net.connect(port, '127.0.0.1'));
  // net.connect issues connect(2) on the next tick; the loop is then held until the kernel has queued them all.
  await new Promise((r) => process.nextTick(r));
  const deadline = performance.now() + 10_000;
  while (acceptQueueLength(port) < n) {
    if (performance.now() > deadline) throw new Error(`only ${acceptQueueLength(port)} of ${n} connections queued`);
  }
  return { accepted: await firstTurn, clients };
}
