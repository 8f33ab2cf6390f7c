// The framed door of an RpcServer: Surge's own protocol between Surge processes (DESIGN.md §7:
// ~40× grpc-js on small calls). Each connection says HELLO and receives the method table, then
// sends REQUEST frames multiplexed by id; each is dispatched to rpcServer.lookup(...).invoke, so
// the same handlers and server interceptors run as in-process. The CallContext is rebuilt from
// the caller's absolute deadline and metadata; a call whose deadline has passed is not started.
// close() drains: GOAWAY, then a PING whose PONG proves the client sent its last call, then
// each connection closes once its calls are answered (or drainMs runs out).
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Timer } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import { createCallContext, type CallContext } from '../context.js';
import type { RegisteredMethod, RpcServer } from '../server.js';
import { decodeMessage } from '../codec/index.js';
import { BodyReader, decodeHello, decodeRequestHead, encodeEmpty, encodeGoAway, encodeHello, HEADER_BYTES, Kind, PROTOCOL_VERSION, ProtocolError, writeOkFrame } from './frame.js';
import { encodeError } from './error-frame.js';
import { type FramedServerOptions, type ResolvedServerOptions, resolveFramedServerOptions } from './options.js';
import { FrameSplitter, FrameWriter } from './stream.js';

export interface FramedServer {
  /** The port it listens on (the one the OS chose when port was 0). */
  readonly port: number;
  /** Open connections and calls being served (for health pages and tests). */
  stats(): { connections: number; inFlight: number };
  /**
   * Stops accepting, sends GOAWAY, lets in-flight calls finish for up to drainMs (default: the
   * server's drainMs), then closes every socket (handlers still running see ctx.signal abort). Idempotent.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** The PING id the server sends after GOAWAY; its PONG means no call of that client is still on the wire. */
const DRAIN_PING_ID = 0xffffffff;

interface Shared {
  o: ResolvedServerOptions;
  methods: readonly RegisteredMethod[];
  hello: Buffer;
  draining: boolean;
}

/** Serves every service of rpcServer over the framed protocol. Register services first: the table is read here. */
export async function startFramedServer(rpcServer: RpcServer, options: FramedServerOptions = {}): Promise<FramedServer> {
  const o = resolveFramedServerOptions(options);
  const methods = rpcServer.list();
  if (methods.length > 0xffff) throw errors.invalid('rpcServer', 'serves more than 65535 methods');
  const shared: Shared = { o, methods, hello: encodeHello(PROTOCOL_VERSION, o.maxFrameBytes, methods.map((m) => `${m.service}/${m.method}`)), draining: false };
  const open = new Set<ServerConnection>();
  let onEmpty: (() => void) | undefined;
  const accept = (socket: Socket) => {
    const conn = new ServerConnection(socket, shared, () => {
      open.delete(conn);
      if (open.size === 0) onEmpty?.();
    });
    open.add(conn);
    if (shared.draining) conn.drain();
  };
  // With TLS a connection is accepted only once its handshake (client certificate included) has
  // passed; a client without one, or from another CA, is cut by node:tls and never seen here.
  // The handshake gets the same time as HELLO. After it the socket is a TLSSocket: the same code
  // reads and writes frames, so plaintext pays nothing for TLS being possible.
  const server: Server = o.tls
    ? createTlsServer({ ca: o.tls.ca, cert: o.tls.cert, key: o.tls.key, requestCert: true, rejectUnauthorized: true, handshakeTimeout: o.handshakeTimeoutMs }, accept)
    : createServer(accept);
  const port = await listen(server, o.host, o.port);
  let closing: Promise<void> | undefined;
  return {
    port,
    stats: () => ({ connections: open.size, inFlight: [...open].reduce((n, c) => n + c.inFlight, 0) }),
    close(c = {}) {
      const drainMs = c.drainMs ?? o.drainMs;
      if (typeof drainMs !== 'number' || !Number.isFinite(drainMs) || drainMs < 0) return Promise.reject(errors.invalid('drainMs', 'must be a non-negative number of milliseconds'));
      closing ??= new Promise<void>((resolve) => {
        shared.draining = true;
        server.close();
        let timer: Timer | undefined;
        const done = () => {
          timer?.cancel();
          onEmpty = undefined;
          resolve();
        };
        if (open.size === 0) return done();
        onEmpty = done;
        timer = o.clock.after(drainMs, () => {
          for (const conn of [...open]) conn.destroy();
        });
        for (const conn of [...open]) conn.drain();
      });
      return closing;
    },
  };
}

class ServerConnection {
  private readonly calls = new Map<number, CallContext>();
  private readonly writer: FrameWriter;
  private readonly splitter: FrameSplitter;
  private version = 0;
  /** The client's own frame limit, learned from its HELLO: replies above it become PayloadTooLarge errors. */
  private peerMaxFrame = 0;
  private handshake: Timer | undefined;
  private draining = false;
  private drainAcked = false;
  /** No more frames are read or answered. */
  private stopped = false;
  /** The socket has closed and the server forgot this connection. */
  private gone = false;

  constructor(private readonly socket: Socket, private readonly s: Shared, private readonly onClose: () => void) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    // While the client does not read our replies, stop reading its requests: TCP carries the back-pressure to it.
    this.writer = new FrameWriter(socket, (blocked) => (blocked ? socket.pause() : socket.resume()));
    this.splitter = new FrameSplitter(s.o.maxFrameBytes, this.onFrame);
    this.handshake = s.o.clock.after(s.o.handshakeTimeoutMs, () => this.fail(new ProtocolError(Code.DeadlineExceeded, 'no HELLO in time')));
    socket.on('data', (chunk: Buffer) => {
      if (this.stopped) return;
      try {
        this.splitter.push(chunk);
      } catch (err) {
        this.fail(err);
      }
    });
    socket.on('error', () => this.destroy()); // the peer vanished or reset; 'close' follows and cleans up
    socket.on('close', this.finish);
  }

  get inFlight(): number {
    return this.calls.size;
  }

  /** GOAWAY, then a PING: its PONG arrives after every call the client sent before it saw GOAWAY. */
  drain(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    if (this.version === 0) return this.destroy(); // not past the handshake: nothing to finish
    this.writer.push(encodeGoAway(this.version, 0, 'server is shutting down'));
    this.writer.push(encodeEmpty(this.version, Kind.Ping, DRAIN_PING_ID));
  }

  /** Cuts the connection now; handlers still running see ctx.signal abort. */
  destroy(): void {
    this.stopped = true;
    this.writer.close();
    this.socket.destroy();
  }

  /** A broken protocol: tell the peer why (GOAWAY with the code), stop reading, and close. */
  private fail(err: unknown): void {
    if (this.stopped) return;
    const e = err instanceof ProtocolError ? err : new ProtocolError(Code.Internal, 'internal error');
    this.stopped = true;
    this.writer.close();
    this.socket.end(encodeGoAway(this.version || 1, e.code, e.message));
    // Whatever the peer does next, the socket goes within a second.
    this.s.o.clock.after(1000, () => this.socket.destroy());
  }

  /** The socket closed, however it happened: stop the work nobody will read and leave the server's set. */
  private readonly finish = (): void => {
    if (this.gone) return;
    this.gone = this.stopped = true;
    this.handshake?.cancel();
    this.writer.close();
    for (const ctx of this.calls.values()) ctx.cancel();
    this.calls.clear();
    this.onClose();
  };

  private readonly onFrame = (buf: Buffer, start: number, end: number): void => {
    const version = buf[start + 4]!;
    const kind = buf[start + 5]!;
    const id = buf.readUInt32BE(start + 6);
    const r = new BodyReader(buf, start + HEADER_BYTES, end);
    if (this.version === 0) {
      if (kind !== Kind.Hello || version !== 1) throw new ProtocolError(Code.InvalidArgument, 'the first frame must be HELLO');
      const theirs = decodeHello(r, false);
      if (theirs.version < 1) throw new ProtocolError(Code.InvalidArgument, `client speaks version ${theirs.version}; this server speaks 1 to ${PROTOCOL_VERSION}`);
      this.version = Math.min(theirs.version, PROTOCOL_VERSION);
      this.peerMaxFrame = theirs.maxFrameBytes;
      this.handshake?.cancel();
      this.handshake = undefined;
      const hello = Buffer.from(this.s.hello);
      hello[14] = this.version; // the chosen version
      this.writer.push(hello);
      if (this.s.draining) this.drain();
      return;
    }
    if (version !== this.version) throw new ProtocolError(Code.InvalidArgument, `frame version ${version}, agreed ${this.version}`);
    switch (kind) {
      case Kind.Request:
        return this.request(id, r);
      case Kind.Cancel: {
        const ctx = this.calls.get(id);
        if (ctx) {
          this.calls.delete(id);
          ctx.cancel();
          this.maybeFinishDrain();
        }
        return;
      }
      case Kind.Ping:
        return this.writer.push(encodeEmpty(this.version, Kind.Pong, id));
      case Kind.Pong:
        if (id === DRAIN_PING_ID && this.draining) {
          this.drainAcked = true;
          this.maybeFinishDrain();
        }
        return;
      case Kind.GoAway:
        return; // the client will send no more; it closes the socket itself
      default:
        throw new ProtocolError(Code.InvalidArgument, `unexpected frame kind ${kind}`);
    }
  };

  private request(id: number, r: BodyReader): void {
    const head = decodeRequestHead(r);
    const target = this.s.methods[head.method];
    if (!target) return this.reply(id, new SurgeError(Code.NotFound, `no method ${head.method} in this server's table`));
    const clock = this.s.o.clock;
    if (head.deadline !== undefined && head.deadline <= clock.now()) return this.reply(id, errors.deadline());
    let request: unknown;
    try {
      request = decodeMessage(target.definition.requestType, r.rest());
    } catch (cause) {
      return this.reply(id, new SurgeError(Code.InvalidArgument, `${target.method} request cannot be decoded`, { cause }));
    }
    const ctx = createCallContext({ deadline: head.deadline, metadata: head.metadata, clock });
    this.calls.set(id, ctx);
    target.invoke({ service: target.service, method: target.method, definition: target.definition, request, ctx }).then(
      (reply) => this.settle(id, target, reply, undefined),
      (err: unknown) => this.settle(id, target, undefined, SurgeError.from(err)),
    );
  }

  private settle(id: number, target: RegisteredMethod, reply: unknown, err: SurgeError | undefined): void {
    // Cancelled by the client, or the connection is gone: nobody waits for this answer.
    if (!this.calls.delete(id)) return;
    if (err) this.reply(id, err);
    else {
      // Encoded in place, right after its head in the turn's buffer: no copy of the reply.
      const codec = target.definition.responseType;
      let tooLong = 0;
      try {
        this.writer.frame((w) => {
          const length = writeOkFrame(w, this.version, id, (into) => void codec.encode(reply, into.binary));
          if (length <= this.peerMaxFrame) return true;
          tooLong = length - (HEADER_BYTES - 4);
          return false;
        });
      } catch (cause) {
        this.reply(id, new SurgeError(Code.Internal, 'internal error', { cause }));
        return this.maybeFinishDrain();
      }
      if (tooLong > 0) {
        this.reply(id, new SurgeError(Code.PayloadTooLarge, `${target.method} reply of ${tooLong} bytes exceeds the caller's frame limit of ${this.peerMaxFrame}`));
      }
    }
    this.maybeFinishDrain();
  }

  private reply(id: number, err: SurgeError): void {
    this.writer.push(encodeError(this.version, id, err));
  }

  private maybeFinishDrain(): void {
    // Every call the client sent is answered: close once the queued replies are written.
    if (this.draining && this.drainAcked && this.calls.size === 0 && !this.stopped) {
      this.stopped = true;
      this.writer.end();
    }
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new SurgeError(Code.Unavailable, `framed server cannot listen on ${host}:${port}: ${err.message}`, { cause: err })));
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
