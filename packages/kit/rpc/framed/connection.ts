// One client connection of the framed protocol: connect, HELLO both ways (version and frame
// limits agreed, method table learned), then REQUEST frames multiplexed by id with replies
// matched back through a map. It pings when it has heard nothing for a while and declares itself
// dead when the ping goes unanswered; on GOAWAY it takes no new calls and closes once its calls
// are answered. The transport (transport.ts) owns deadlines, cancellation and reconnecting.
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Timer } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { decodeMessage } from '../codec/index.js';
import type { UnaryCall } from '../types.js';
import { BodyReader, decodeGoAway, decodeHello, encodeEmpty, encodeHello, encodeRequestHead, HEADER_BYTES, Kind, PROTOCOL_VERSION, ProtocolError } from './frame.js';
import { decodeError } from './error-frame.js';
import type { ResolvedTransportOptions } from './options.js';
import { FrameSplitter, FrameWriter } from './stream.js';
import { answered, unavailable } from './unavailable.js';

export type ConnectionState = 'connecting' | 'ready' | 'draining' | 'closed';

/** A call as the transport tracks it; the connection settles it through ok/fail. */
export interface PendingCall {
  readonly call: UnaryCall;
  readonly payload: Uint8Array;
  /** "package.Service/Method", looked up in the server's method table. */
  readonly key: string;
  conn: ClientConnection | undefined;
  id: number;
  /** The writer's push count after this call's frame: whether the frame reached the socket when the connection died. */
  seq: number;
  settled: boolean;
  ok(reply: unknown): void;
  fail(err: SurgeError): void;
}

export interface ConnectionEvents {
  ready(c: ClientConnection): void;
  /** GOAWAY received: the connection finishes its calls but takes no new ones. */
  draining(c: ClientConnection): void;
  /** The socket is gone; wasReady tells a dropped connection from a failed attempt, cause says why. */
  closed(c: ClientConnection, wasReady: boolean, cause: unknown): void;
}

const MAX_ID = 0xffffffff;

export class ClientConnection {
  state: ConnectionState = 'connecting';
  /** Pongs received: health checks this connection passed. */
  pongs = 0;
  private readonly socket: Socket;
  private readonly writer: FrameWriter;
  private readonly splitter: FrameSplitter;
  private readonly pending = new Map<number, PendingCall>();
  private readonly methodIds = new Map<string, number>();
  private version = PROTOCOL_VERSION;
  private peerMaxFrame = 0;
  private nextId = 0;
  private nextPing = 0;
  private lastHeard: number;
  private pingSentAt: number | undefined;
  private timer: Timer | undefined;
  private cause: unknown;
  private wasReady = false;
  private closedPromise: Promise<void>;

  constructor(private readonly o: ResolvedTransportOptions, private readonly events: ConnectionEvents) {
    this.lastHeard = o.clock.monotonic();
    const tls = o.tls;
    // With TLS, HELLO waits for the handshake (the server's certificate checked against the CA);
    // a refused handshake closes the socket before HELLO, so the attempt counts as failed.
    this.socket = tls
      ? connectTls({ host: o.host, port: o.port, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, checkServerIdentity: tls.checkServerIdentity })
      : connect({ host: o.host, port: o.port });
    this.socket.setNoDelay(true);
    this.writer = new FrameWriter(this.socket);
    this.splitter = new FrameSplitter(o.maxFrameBytes, this.onFrame);
    this.socket.once(tls ? 'secureConnect' : 'connect', () => this.writer.push(encodeHello(PROTOCOL_VERSION, o.maxFrameBytes)));
    // Under TLS 1.3 the client finishes its handshake before the server checks the client's
    // certificate; a server refusing it just closes, with no alert to report. Say what it likely means.
    if (tls) this.socket.once('end', () => void (this.state === 'connecting' && (this.cause ??= new Error("the server closed the connection after the TLS handshake: it may not accept this client's certificate"))));
    this.socket.on('data', (chunk: Buffer) => {
      if (this.state === 'closed') return;
      this.lastHeard = o.clock.monotonic();
      try {
        this.splitter.push(chunk);
      } catch (err) {
        this.destroy(err);
      }
    });
    this.socket.on('error', (err) => (this.cause ??= err));
    this.closedPromise = new Promise((resolve) => this.socket.once('close', () => resolve(this.onClose())));
    this.timer = o.clock.after(o.connectTimeoutMs, () => this.destroy(new Error(`no handshake within ${o.connectTimeoutMs} ms`)));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get queuedBytes(): number {
    return this.writer.queuedBytes;
  }

  /** Sends the call, or fails it at once (unknown method, frame too large, send queue full). */
  send(c: PendingCall): void {
    const method = this.methodIds.get(c.key);
    if (method === undefined) return c.fail(new SurgeError(Code.NotFound, `${this.o.name} does not serve ${c.key}`));
    const { ctx } = c.call;
    do this.nextId = this.nextId === MAX_ID ? 1 : this.nextId + 1;
    while (this.pending.has(this.nextId));
    const head = encodeRequestHead(this.version, this.nextId, method, ctx.deadline, ctx.metadata, c.payload.length);
    const length = head.length - 4 + c.payload.length;
    if (length > this.peerMaxFrame) {
      return c.fail(new SurgeError(Code.PayloadTooLarge, `${c.key} request of ${length} bytes exceeds the server's frame limit of ${this.peerMaxFrame}`, { details: { limit: this.peerMaxFrame } }));
    }
    if (this.writer.queuedBytes + length > this.o.maxQueuedBytes) {
      return c.fail(unavailable(this.o.name, `${this.o.name}: send queue full (the server is not reading)`, false));
    }
    c.conn = this;
    c.id = this.nextId;
    this.pending.set(c.id, c);
    this.writer.push(head);
    this.writer.push(c.payload);
    c.seq = this.writer.pushed;
  }

  /** The caller gave up (deadline or cancel): forget the call and tell the server to stop its work. */
  cancel(c: PendingCall): void {
    if (this.pending.get(c.id) !== c) return;
    this.pending.delete(c.id);
    if (this.state === 'ready' || this.state === 'draining') this.writer.push(encodeEmpty(this.version, Kind.Cancel, c.id));
    this.maybeEnd();
  }

  /** Graceful: no new calls; the socket closes once the calls in flight are answered. */
  close(): Promise<void> {
    if (this.state === 'connecting') this.destroy(new Error('transport closed'));
    else if (this.state === 'ready') {
      this.state = 'draining';
      this.maybeEnd();
    }
    return this.closedPromise;
  }

  /** Cuts the connection: calls in flight fail with Unavailable. */
  destroy(cause: unknown): void {
    this.cause ??= cause;
    this.socket.destroy();
  }

  private onClose(): void {
    const was = this.state;
    this.state = 'closed';
    this.timer?.cancel();
    this.writer.close();
    // A frame still in the writer's queue never reached the socket: the server cannot have seen it.
    let sent: SurgeError | undefined;
    let unsent: SurgeError | undefined;
    for (const c of this.pending.values()) {
      if (c.seq <= this.writer.written) c.fail((sent ??= unavailable(this.o.name, `${this.o.name} is unavailable: the connection closed before the reply; try again shortly`, true, this.cause)));
      else c.fail((unsent ??= unavailable(this.o.name, `${this.o.name} is unavailable: the connection closed before the request was sent; try again shortly`, false, this.cause)));
    }
    this.pending.clear();
    if (was !== 'closed') this.events.closed(this, this.wasReady, this.cause);
  }

  private maybeEnd(): void {
    if (this.state === 'draining' && this.pending.size === 0) this.writer.end();
  }

  private readonly onFrame = (buf: Buffer, start: number, end: number): void => {
    const version = buf[start + 4]!;
    const kind = buf[start + 5]!;
    const id = buf.readUInt32BE(start + 6);
    const r = new BodyReader(buf, start + HEADER_BYTES, end);
    if (this.state === 'connecting') {
      if (kind === Kind.GoAway) return this.goAway(r);
      if (kind !== Kind.Hello || version !== 1) throw new ProtocolError(Code.InvalidArgument, 'the server did not answer HELLO');
      const hello = decodeHello(r, true);
      if (hello.version < 1 || hello.version > PROTOCOL_VERSION) throw new ProtocolError(Code.InvalidArgument, `server chose version ${hello.version}`);
      this.version = hello.version;
      this.peerMaxFrame = hello.maxFrameBytes;
      hello.methods!.forEach((name, i) => this.methodIds.set(name, i));
      this.state = 'ready';
      this.wasReady = true;
      this.timer?.cancel();
      this.timer = this.o.clock.after(this.o.pingIntervalMs, this.tick);
      return this.events.ready(this);
    }
    if (version !== this.version) throw new ProtocolError(Code.InvalidArgument, `frame version ${version}, agreed ${this.version}`);
    switch (kind) {
      case Kind.Ok:
      case Kind.Error: {
        const c = this.pending.get(id);
        if (!c) return; // answered after the caller gave up
        this.pending.delete(id);
        if (kind === Kind.Error) c.fail(answered(decodeError(r)));
        else {
          let reply: unknown;
          try {
            reply = decodeMessage(c.call.definition.responseType, r.rest());
          } catch (cause) {
            c.fail(new SurgeError(Code.Internal, `${c.key} reply cannot be decoded`, { cause }));
            return this.maybeEnd();
          }
          c.ok(reply);
        }
        return this.maybeEnd();
      }
      case Kind.Ping:
        return this.writer.push(encodeEmpty(this.version, Kind.Pong, id));
      case Kind.Pong:
        this.pongs++; // lastHeard was updated when the bytes arrived
        return;
      case Kind.GoAway:
        return this.goAway(r);
      default:
        throw new ProtocolError(Code.InvalidArgument, `unexpected frame kind ${kind}`);
    }
  };

  private goAway(r: BodyReader): void {
    const { code, reason } = decodeGoAway(r);
    if (code !== 0) return this.destroy(SurgeError.fromWire(code, `the server closed the connection: ${reason}`));
    if (this.state !== 'ready') return;
    this.state = 'draining';
    this.events.draining(this);
    this.maybeEnd();
  }

  /** Health: ping after pingIntervalMs of silence; no answer within pingTimeoutMs means the peer is gone. */
  private readonly tick = (): void => {
    if (this.state === 'closed') return;
    const now = this.o.clock.monotonic();
    if (this.pingSentAt !== undefined) {
      if (this.lastHeard < this.pingSentAt) return this.destroy(new Error(`no answer to a ping within ${this.o.pingTimeoutMs} ms`));
      this.pingSentAt = undefined;
    }
    const idle = now - this.lastHeard;
    if (idle < this.o.pingIntervalMs) {
      this.timer = this.o.clock.after(this.o.pingIntervalMs - idle, this.tick);
      return;
    }
    this.pingSentAt = now;
    this.nextPing = (this.nextPing + 1) % DRAIN_RESERVED;
    this.writer.push(encodeEmpty(this.version, Kind.Ping, this.nextPing));
    this.timer = this.o.clock.after(this.o.pingTimeoutMs, this.tick);
  };
}

/** Ping ids stay below the id the server reserves for its drain ping. */
const DRAIN_RESERVED = 0xffffffff;
