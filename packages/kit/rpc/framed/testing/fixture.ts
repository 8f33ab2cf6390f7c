// Test fixture (not exported): an Echo service behind the standard server interceptors, served
// over the framed protocol, whose handler can call itself over the wire; and raw sockets that
// speak (or break) the protocol byte by byte.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type Clock, systemClock } from '#kit/clock';
import { EchoServiceDefinition, type EchoReply, type EchoRequest } from '#gen/surge/echo/v1/echo';
import { createClient } from '../../client.js';
import type { CallContext } from '../../context.js';
import { serverInterceptors } from '../../defaults.js';
import { RpcServer } from '../../server.js';
import type { Client, ServiceImpl } from '../../types.js';
import { encodeHello, HEADER_BYTES, PROTOCOL_VERSION } from '../frame.js';
import type { FramedServerOptions, FramedTransportOptions } from '../options.js';
import { startFramedServer, type FramedServer } from '../server.js';
import { createFramedTransport, type FramedTransport } from '../transport.js';

export type EchoClient = Client<typeof EchoServiceDefinition>;
export type EchoHandler = (req: EchoRequest, ctx: CallContext, self: EchoClient) => Promise<EchoReply>;
export const ECHO = `${EchoServiceDefinition.fullName}/${EchoServiceDefinition.methods.echo.name}`;

const silent = { error() {}, debug() {}, warn() {}, info() {} };

export interface EchoFixture {
  rpc: RpcServer;
  server: FramedServer;
  transport: FramedTransport;
  client: EchoClient;
  close(): Promise<void>;
}

export async function startEcho(handler: EchoHandler, o: { server?: FramedServerOptions; client?: Partial<FramedTransportOptions>; clock?: Clock } = {}): Promise<EchoFixture> {
  const clock = o.clock ?? systemClock;
  const rpc = new RpcServer(serverInterceptors({ log: silent, observer: { observe() {} }, clock }));
  let self!: EchoClient;
  const impl: ServiceImpl<typeof EchoServiceDefinition> = { echo: (req, ctx) => handler(req, ctx, self) };
  rpc.register(EchoServiceDefinition, impl);
  const server = await startFramedServer(rpc, { clock, ...o.server });
  const transport = createFramedTransport({ port: server.port, clock, reconnectBaseMs: 10, reconnectMaxMs: 50, ...o.client });
  self = createClient(EchoServiceDefinition, transport, { clock });
  return {
    rpc,
    server,
    transport,
    client: self,
    async close() {
      await transport.close();
      await server.close({ drainMs: 0 });
    },
  };
}

/** A frame head: length (of everything after it, body included), version, kind, id. */
export function head(bodyBytes: number, version: number, kind: number, id: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.writeUInt32BE(HEADER_BYTES - 4 + bodyBytes, 0);
  b[4] = version;
  b[5] = kind;
  b.writeUInt32BE(id, 6);
  return b;
}

/** A raw TCP client: collects what it receives and tells when the server closed it. */
export function rawClient(port: number): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // a reset from the server is an expected ending here
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed }));
    socket.once('error', reject);
  });
}

export const clientHello = (maxVersion = PROTOCOL_VERSION) => encodeHello(maxVersion, 1 << 24);

/**
 * A fake server that completes the handshake (offering Echo) and then does what the test says:
 * never reads again (back-pressure), or reads and counts frames but never answers.
 */
export async function rawServer(mode: 'stop-reading' | 'silent'): Promise<{ port: number; frames: () => number[]; close(): Promise<void> }> {
  const kinds: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let handshaken = false;
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const end = 4 + buf.readUInt32BE(0);
        kinds.push(buf[5]!);
        buf = buf.subarray(end);
        if (!handshaken) {
          handshaken = true;
          socket.write(encodeHello(PROTOCOL_VERSION, 1 << 24, [ECHO]));
          if (mode === 'stop-reading') socket.pause();
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    frames: () => kinds,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Polls cond every 5 ms for at most ms; bounded, for waiting on real I/O. */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
