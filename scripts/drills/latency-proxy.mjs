// A TCP proxy on loopback that makes a link slow or cuts it, for drills: every chunk, in each
// direction, is held `delayMs` before it is passed on (order kept: a chunk never overtakes the
// one before it, also when the delay changes mid-stream), so a request-response protocol sees
// about 2 × delayMs more per round trip. cut() drops every connection and refuses new ones
// until restore(), as a network partition would.
import net from 'node:net';

/**
 * Starts the proxy in front of target { host, port }. Returns { port, delayMs (settable), cut(),
 * restore(), connections(), close() }.
 */
export async function startLatencyProxy({ target, delayMs = 0, listenPort = 0 }) {
  const open = new Set();
  let isCut = false;
  const proxy = { delayMs };

  /** Passes chunks from → to, each held until delayMs after it arrived and after the previous one left. */
  const pipeDelayed = (from, to) => {
    const queue = []; // [due, chunk], due never decreasing
    let timer;
    const drain = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && queue[0][0] <= now) {
        const [, chunk] = queue.shift();
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, queue[0][0] - now);
    };
    from.on('data', (chunk) => {
      const last = queue.length > 0 ? queue[queue.length - 1][0] : 0;
      queue.push([Math.max(Date.now() + proxy.delayMs, last), chunk]);
      if (proxy.delayMs === 0 && queue.length === 1) return drain();
      timer ??= setTimeout(drain, queue[0][0] - Date.now());
    });
  };

  const server = net.createServer((client) => {
    if (isCut) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.setNoDelay(true);
      s.once('close', () => open.delete(s));
    }
    // Either side failing or closing takes the other down, as a broken link would.
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });

  const cut = () => {
    isCut = true;
    for (const s of open) s.destroy();
  };
  return Object.assign(proxy, {
    port: server.address().port,
    cut,
    restore: () => {
      isCut = false;
    },
    connections: () => open.size / 2,
    close: () => {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  });
}
