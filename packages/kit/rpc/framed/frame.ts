// The framed protocol's byte layout (docs/protocol.md is the spec; this file is its encoder and
// decoder). Every frame is [u32 length][u8 version][u8 kind][u32 id][body], big-endian, so a
// reader can split the stream into whole frames before looking inside any of them. Per-call
// metadata rides in a flagged header section that costs nothing when it is empty.
import { Code, SurgeError } from '#kit/errors';
import type { WireWriter } from '../codec/index.js';

/** The version this code speaks; HELLO frames always carry 1 so any later version can parse them. */
export const PROTOCOL_VERSION = 1;
/** "SURG": the first four body bytes of HELLO, so a stray client of another protocol fails at once. */
export const MAGIC = 0x53555247;
/** Bytes before the body: length, version, kind, id. */
export const HEADER_BYTES = 10;
/** Smallest legal length field: version + kind + id. */
export const MIN_LENGTH = 6;

export const Kind = {
  Hello: 0x01,
  Request: 0x02,
  Ok: 0x03,
  Error: 0x04,
  Cancel: 0x05,
  Ping: 0x06,
  Pong: 0x07,
  GoAway: 0x08,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** REQUEST flags: which optional header sections follow the method id. Unknown bits are a protocol error. */
export const Flag = { Deadline: 0x01, Trace: 0x02, Metadata: 0x04 } as const;
const KNOWN_FLAGS = Flag.Deadline | Flag.Trace | Flag.Metadata;

const TRACEPARENT = 'traceparent';
const TRACEPARENT_RE = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const TRACE_BYTES = 25;
const TWO_32 = 2 ** 32;

/**
 * A connection-level failure: the peer broke the protocol, so the connection is closed (GOAWAY
 * with this code). A SurgeError like any other; the class says the whole connection is lost, not
 * one call (docs/protocol.md §10).
 */
export class ProtocolError extends SurgeError {
  override readonly name = 'ProtocolError';
}

/** Writes a frame head at `at` (default 0). */
export function header(buf: Buffer, length: number, version: number, kind: Kind, id: number, at = 0): void {
  buf.writeUInt32BE(length, at);
  buf[at + 4] = version;
  buf[at + 5] = kind;
  buf.writeUInt32BE(id, at + 6);
}

// --- varints (unsigned LEB128, as protobuf; at most 5 bytes since every value fits 32 bits) ---

export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

export function writeVarint(buf: Buffer, n: number, at: number): number {
  while (n >= 0x80) {
    buf[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[at++] = n;
  return at;
}

/** A cursor over one frame's body; every read checks bounds so a lying peer gets a ProtocolError. */
export class BodyReader {
  constructor(readonly buf: Buffer, public pos: number, readonly end: number) {}

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtocolError(Code.InvalidArgument, 'frame body ends early');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): number {
    const hi = this.u32();
    return hi * TWO_32 + this.u32();
  }
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }
  varint(): number {
    let n = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
    throw new ProtocolError(Code.InvalidArgument, 'varint longer than 5 bytes');
  }
  string(): string {
    const len = this.varint();
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  rest(): Buffer {
    const b = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return b;
  }
}

// --- HELLO: the handshake. Client: magic, max version, max frame. Server: magic, chosen version, max frame, method table. ---

export function encodeHello(maxVersion: number, maxFrameBytes: number, methods?: readonly string[]): Buffer {
  const names = methods?.map((m) => Buffer.from(m, 'utf8'));
  let size = HEADER_BYTES + 4 + 1 + 4;
  if (names) {
    size += 2;
    for (const n of names) size += varintSize(n.length) + n.length;
  }
  const buf = Buffer.allocUnsafe(size);
  header(buf, size - 4, 1, Kind.Hello, 0);
  buf.writeUInt32BE(MAGIC, 10);
  buf[14] = maxVersion;
  buf.writeUInt32BE(maxFrameBytes, 15);
  if (names) {
    let at = buf.writeUInt16BE(names.length, 19);
    for (const n of names) {
      at = writeVarint(buf, n.length, at);
      at += n.copy(buf, at);
    }
  }
  return buf;
}

export interface Hello {
  version: number;
  maxFrameBytes: number;
  /** Server HELLO only: method names ("package.Service/Method"), the index being the method id. */
  methods: string[] | undefined;
}

export function decodeHello(r: BodyReader, fromServer: boolean): Hello {
  if (r.u32() !== MAGIC) throw new ProtocolError(Code.InvalidArgument, 'HELLO lacks the SURG magic: not a Surge peer');
  const version = r.u8();
  const maxFrameBytes = r.u32();
  if (!fromServer) return { version, maxFrameBytes, methods: undefined };
  const count = r.u16();
  const methods: string[] = [];
  for (let i = 0; i < count; i++) methods.push(r.string());
  return { version, maxFrameBytes, methods };
}

// --- REQUEST header: method id, flags, then the optional deadline, trace and metadata sections ---

/**
 * The frame head of a request, up to (not including) the protobuf payload. The length field
 * counts the payload too, so the two can be written back to back without copying the payload.
 */
export function encodeRequestHead(version: number, id: number, method: number, deadline: number | undefined, metadata: Readonly<Record<string, string>>, payloadBytes: number): Buffer {
  let flags = deadline === undefined ? 0 : Flag.Deadline;
  let size = HEADER_BYTES + 3 + (deadline === undefined ? 0 : 8);
  let trace: string | undefined;
  let count = 0;
  let mdBytes = 0;
  for (const key in metadata) {
    const value = metadata[key]!;
    if (key === TRACEPARENT && TRACEPARENT_RE.test(value)) {
      trace = value;
      continue;
    }
    const k = Buffer.byteLength(key);
    const v = Buffer.byteLength(value);
    mdBytes += varintSize(k) + k + varintSize(v) + v;
    count++;
  }
  if (trace !== undefined) {
    flags |= Flag.Trace;
    size += TRACE_BYTES;
  }
  if (count > 0) {
    flags |= Flag.Metadata;
    size += varintSize(count) + mdBytes;
  }
  const buf = Buffer.allocUnsafe(size);
  header(buf, size - 4 + payloadBytes, version, Kind.Request, id);
  buf.writeUInt16BE(method, 10);
  buf[12] = flags;
  let at = 13;
  if (deadline !== undefined) {
    const ms = Math.max(0, Math.floor(deadline));
    buf.writeUInt32BE(Math.floor(ms / TWO_32), at);
    buf.writeUInt32BE(ms >>> 0, at + 4);
    at += 8;
  }
  if (trace !== undefined) {
    // W3C traceparent version 00 as bytes: trace id (16), parent span id (8), flags (1).
    at += buf.write(trace.slice(3, 35), at, 'hex');
    at += buf.write(trace.slice(36, 52), at, 'hex');
    at += buf.write(trace.slice(53, 55), at, 'hex');
  }
  if (count > 0) {
    at = writeVarint(buf, count, at);
    for (const key in metadata) {
      const value = metadata[key]!;
      if (key === TRACEPARENT && value === trace) continue;
      at = writeVarint(buf, Buffer.byteLength(key), at);
      at += buf.write(key, at, 'utf8');
      at = writeVarint(buf, Buffer.byteLength(value), at);
      at += buf.write(value, at, 'utf8');
    }
  }
  return buf;
}

export interface RequestHead {
  method: number;
  deadline: number | undefined;
  metadata: Record<string, string> | undefined;
}

export function decodeRequestHead(r: BodyReader): RequestHead {
  const method = r.u16();
  const flags = r.u8();
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new ProtocolError(Code.InvalidArgument, `unknown request flags 0x${flags.toString(16)}`);
  const deadline = flags & Flag.Deadline ? r.u64() : undefined;
  let metadata: Record<string, string> | undefined;
  if (flags & Flag.Trace) {
    const b = r.bytes(TRACE_BYTES);
    metadata = { [TRACEPARENT]: `00-${b.toString('hex', 0, 16)}-${b.toString('hex', 16, 24)}-${b.toString('hex', 24, 25)}` };
  }
  if (flags & Flag.Metadata) {
    metadata ??= {};
    const count = r.varint();
    for (let i = 0; i < count; i++) {
      const key = r.string();
      metadata[key] = r.string();
    }
  }
  return { method, deadline, metadata };
}

/** The head of an OK reply; the protobuf reply follows. */
export function encodeOkHead(version: number, id: number, payloadBytes: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES);
  header(buf, HEADER_BYTES - 4 + payloadBytes, version, Kind.Ok, id);
  return buf;
}

/**
 * An OK frame written in place at the writer's end: the head, the reply encoded right after it
 * by `encodeReply`, then the length filled in. Returns the frame's length field, so the caller
 * can take back a frame too long for the peer.
 */
export function writeOkFrame(w: WireWriter, version: number, id: number, encodeReply: (w: WireWriter) => void): number {
  const at = w.skip(HEADER_BYTES);
  encodeReply(w);
  const length = w.pos - at - 4;
  header(w.buf, length, version, Kind.Ok, id, at);
  return length;
}

// --- CANCEL, PING, PONG: header only. GOAWAY: a code (0 = graceful drain) and a reason. ---

export function encodeEmpty(version: number, kind: Kind, id: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES);
  header(buf, HEADER_BYTES - 4, version, kind, id);
  return buf;
}

export function encodeGoAway(version: number, code: number, reason: string): Buffer {
  const msg = Buffer.from(reason, 'utf8');
  const size = HEADER_BYTES + 4 + varintSize(msg.length) + msg.length;
  const buf = Buffer.allocUnsafe(size);
  header(buf, size - 4, version, Kind.GoAway, 0);
  buf.writeUInt32BE(code, 10);
  msg.copy(buf, writeVarint(buf, msg.length, 14));
  return buf;
}

export function decodeGoAway(r: BodyReader): { code: number; reason: string } {
  return { code: r.u32(), reason: r.string() };
}
