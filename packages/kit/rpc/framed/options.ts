// Options of the framed client transport and server, each documented with its default and why,
// filled and checked once at construction so a bad value fails at start-up, never mid-call.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { resolveTlsOptions, type ResolvedTls, type TlsOptions } from '../tls/index.js';

/** 16 MiB: far above any sane RPC message (batches are kept lean) yet small enough that one frame cannot exhaust memory. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface FramedTransportOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** The server's framed port; there is no sensible default, so it must be given. */
  port: number;
  /** Default 2: persistent connections to this server; two spread the parse work and survive one reconnecting. */
  connections?: number;
  /** Default systemClock: deadlines (wall ms, as CallContext has them), pings and reconnect back-off. */
  clock?: Clock;
  /** Default 16 MiB: the largest frame (length field) this side accepts; the server's own limit also bounds what is sent. */
  maxFrameBytes?: number;
  /**
   * Default 8 MiB: bytes a connection may hold unsent (its queue plus the socket's buffer), and bytes of calls
   * waiting for a connection. Beyond it new calls fail fast with Unavailable instead of growing memory.
   */
  maxQueuedBytes?: number;
  /** Default 'framed <host>:<port>': the dependency named in Unavailable errors. */
  name?: string;
  /** Default 10 000 ms: a connection that heard nothing for this long is pinged. */
  pingIntervalMs?: number;
  /** Default 5 000 ms: a ping not answered in this time marks the connection dead (its calls fail, it reconnects). */
  pingTimeoutMs?: number;
  /** Default 5 000 ms: TCP connect plus handshake; past it the attempt counts as failed. */
  connectTimeoutMs?: number;
  /** Default 100 ms: first reconnect delay, doubled per failed attempt (with jitter) up to reconnectMaxMs. */
  reconnectBaseMs?: number;
  /** Default 5 000 ms: the longest reconnect delay, so a restarted server is found within seconds. */
  reconnectMaxMs?: number;
  /** Default Math.random: jitter of reconnect delays, so many clients do not reconnect in step. */
  random?: () => number;
  /**
   * Default 20 ms: how often calls still in flight start watching their context for cancellation. Watching
   * costs an AbortController (~5 µs), so short calls never pay; a cancel reaches the server within this time.
   */
  cancelCheckMs?: number;
  /**
   * Default none (plaintext TCP): mutual TLS. The client presents cert/key and accepts only a server
   * whose certificate chains to ca (and names serverName, when set). Costs the handshake per
   * connection and the cipher per byte; the frames and their handling are the same.
   */
  tls?: TlsOptions;
}

export interface ResolvedTransportOptions {
  host: string;
  port: number;
  connections: number;
  clock: Clock;
  maxFrameBytes: number;
  maxQueuedBytes: number;
  name: string;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  random: () => number;
  cancelCheckMs: number;
  tls: ResolvedTls | undefined;
}

function positive(name: string, v: number | undefined, fallback: number, integer = false): number {
  const n = v ?? fallback;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw errors.invalid(name, integer ? 'must be a positive integer' : 'must be a positive number');
  }
  return n;
}

function hostOf(host: string | undefined): string {
  const h = host ?? '127.0.0.1';
  if (typeof h !== 'string' || h === '') throw errors.invalid('host', 'must be a non-empty host name or address');
  return h;
}

function frameLimit(v: number | undefined): number {
  const n = positive('maxFrameBytes', v, DEFAULT_MAX_FRAME_BYTES, true);
  // The length field is a u32 and must hold at least a request head.
  if (n < 64 || n > 0xffffffff) throw errors.invalid('maxFrameBytes', 'must be from 64 to 4294967295');
  return n;
}

export function resolveFramedTransportOptions(o: FramedTransportOptions): ResolvedTransportOptions {
  const host = hostOf(o.host);
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw errors.invalid('port', 'must be an integer from 1 to 65535');
  const connections = positive('connections', o.connections, 2, true);
  if (connections > 64) throw errors.invalid('connections', 'must be at most 64');
  const name = o.name ?? `framed ${host}:${o.port}`;
  if (typeof name !== 'string' || name === '') throw errors.invalid('name', 'must be a non-empty string');
  const random = o.random ?? Math.random;
  if (typeof random !== 'function') throw errors.invalid('random', 'must be a function returning [0, 1)');
  const reconnectBaseMs = positive('reconnectBaseMs', o.reconnectBaseMs, 100);
  const reconnectMaxMs = positive('reconnectMaxMs', o.reconnectMaxMs, 5000);
  if (reconnectMaxMs < reconnectBaseMs) throw errors.invalid('reconnectMaxMs', 'must be at least reconnectBaseMs');
  return Object.freeze({
    host,
    port: o.port,
    connections,
    clock: o.clock ?? systemClock,
    maxFrameBytes: frameLimit(o.maxFrameBytes),
    maxQueuedBytes: positive('maxQueuedBytes', o.maxQueuedBytes, 8 * 1024 * 1024, true),
    name,
    pingIntervalMs: positive('pingIntervalMs', o.pingIntervalMs, 10_000),
    pingTimeoutMs: positive('pingTimeoutMs', o.pingTimeoutMs, 5_000),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs, 5_000),
    reconnectBaseMs,
    reconnectMaxMs,
    random,
    cancelCheckMs: positive('cancelCheckMs', o.cancelCheckMs, 20),
    tls: resolveTlsOptions(o.tls),
  });
}

export interface FramedServerOptions {
  /** Default '127.0.0.1': local callers only; listening on a public address is a deliberate choice ('0.0.0.0'). */
  host?: string;
  /** Default 0: the OS picks a free port, read back from the result (tests, several instances on one machine). */
  port?: number;
  /** Default 16 MiB: the largest frame (length field) accepted; a peer announcing a bigger one is disconnected. */
  maxFrameBytes?: number;
  /** Default 5 000 ms: how long close() lets in-flight calls finish when it is not given drainMs. */
  drainMs?: number;
  /** Default 5 000 ms: a connection that has not said HELLO by then is closed (port scanners, stuck peers). */
  handshakeTimeoutMs?: number;
  /** Default systemClock: the clock of the handlers' CallContexts; the deadlines received are wall-clock ms. */
  clock?: Clock;
  /**
   * Default none (plaintext TCP): mutual TLS. Clients must present a certificate that chains to ca;
   * one without, or from another CA, is refused in the handshake and never reaches a handler.
   */
  tls?: TlsOptions;
}

export interface ResolvedServerOptions {
  host: string;
  port: number;
  maxFrameBytes: number;
  drainMs: number;
  handshakeTimeoutMs: number;
  clock: Clock;
  tls: ResolvedTls | undefined;
}

export function resolveFramedServerOptions(o: FramedServerOptions): ResolvedServerOptions {
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw errors.invalid('port', 'must be an integer from 0 to 65535');
  const drainMs = o.drainMs ?? 5000;
  if (typeof drainMs !== 'number' || !Number.isFinite(drainMs) || drainMs < 0) throw errors.invalid('drainMs', 'must be a non-negative number of milliseconds');
  return Object.freeze({
    host: hostOf(o.host),
    port,
    maxFrameBytes: frameLimit(o.maxFrameBytes),
    drainMs,
    handshakeTimeoutMs: positive('handshakeTimeoutMs', o.handshakeTimeoutMs, 5000),
    clock: o.clock ?? systemClock,
    tls: resolveTlsOptions(o.tls),
  });
}
