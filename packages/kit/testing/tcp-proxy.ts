// A TCP proxy a test controls, to make a real server "go down" without stopping it:
// cut() drops every open connection and refuses new ones until restore().
import net from 'node:net';

export interface TcpProxyOptions {
  target: { host: string; port: number };
  /** Default 0: any free port (read it back from the result). */
  listenPort?: number;
}

export interface TcpProxy {
  readonly port: number;
  /** Destroys every open connection and every new one until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let isCut = false;
  const track = (s: net.Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };

  const server = net.createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(options.target.port, options.target.host);
    track(client);
    track(upstream);
    // Either side failing or closing takes the other down, as a real broken link would.
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  const cut = () => {
    isCut = true;
    for (const s of open) s.destroy();
  };
  return {
    port,
    cut,
    restore: () => {
      isCut = false;
    },
    close: () => {
      cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
