// More descriptors for one listening socket, so a burst of new connections is accepted in a few
// event-loop turns instead of one turn per connection.
//
// libuv (since 1.45, Node 20) accepts one connection each time a listening descriptor is
// readable, then goes back to polling (libuv#3696). On a busy server a turn lasts as long as the
// requests it serves, so 64 clients connecting at once wait up to 64 turns: measured with wrk
// -c64 against a node:http server spending 0.5 ms per request, the last first reply came 1.1 s
// after its request and the p99 was 600 ms, every later request ~35 ms. Each extra descriptor
// for the same socket is one more accept per turn (they share the socket's one queue of
// connections, so no connection waits behind another descriptor's turn): with 16 the same run's
// p99 was 69 ms.
//
// Node has no dup(2). A descriptor sent over an IPC channel arrives as a new one (SCM_RIGHTS), so
// a short-lived helper process is sent the socket once and sends it back `copies` times. It is
// sent as the native handle, not the net.Server: a received server starts listening in the
// helper, which would then accept (and drop) connections of its own.
import { spawn } from 'node:child_process';
import net from 'node:net';

export interface ListenerCopiesOptions {
  /** Extra descriptors wanted; 0 starts nothing. */
  copies: number;
  /** Told when the copies could not be made; the server keeps serving from its own descriptor. */
  onError: (err: Error) => void;
  /** How long the helper may take; default 10 s. */
  timeoutMs?: number;
  /** The Node binary the helper runs on; default this process's. */
  execPath?: string;
}

export interface ListenerCopies {
  /** How many copies are accepting, once the helper has exited (0 after a failure or an early close). */
  readonly ready: Promise<number>;
  /**
   * Stops every copy and the helper; settles once the helper, which holds a descriptor of the
   * socket while it runs, has exited. The server's own descriptor is the caller's to close.
   */
  close(): Promise<void>;
}

// Sends the handle back once per copy asked for. Its 'message' listener keeps the channel (and the
// process) alive until the parent disconnects: each handle waits for the parent's acknowledgement.
const HELPER = "process.on('message',(n,h)=>{for(let i=0;i<n;i++)process.send(0,h)})";

/** Node's net.Server options, as the server keeps them: a copy hands out sockets made the same way. */
interface SocketSettings {
  allowHalfOpen?: boolean;
  pauseOnConnect?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
}

/**
 * Accepts connections for a listening `server` through `copies` more descriptors of its socket;
 * each connection is handed to the server as its own ('connection' event), with the server's
 * socket settings. Call after the server listens; close the copies before (or with) the server.
 */
export function startListenerCopies(server: net.Server, o: ListenerCopiesOptions): ListenerCopies {
  const handle = (server as unknown as { _handle?: object | null })._handle;
  if (o.copies <= 0 || !handle || process.platform === 'win32') return { ready: Promise.resolve(0), close: async () => {} };
  const settings = server as unknown as SocketSettings;
  const copies: net.Server[] = [];
  let closed = false;
  let settle: (n: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (settle = resolve));
  const timeoutMs = o.timeoutMs ?? 10_000;
  const child = spawn(o.execPath ?? process.execPath, ['-e', HELPER], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: {} });
  let done = false;
  // A helper that failed to start holds nothing; one that started holds the socket until it exits.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()).once('error', () => child.pid === undefined && resolve()));
  const finish = (err?: Error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (child.connected) child.disconnect();
    child.kill();
    if (err && !closed) {
      for (const c of copies.splice(0)) c.close();
      o.onError(err);
    }
    void exited.then(() => settle(copies.length));
  };
  const timer = setTimeout(() => finish(new Error(`listener copies: the helper sent ${copies.length} of ${o.copies} in ${timeoutMs} ms`)), timeoutMs).unref();
  child.on('error', (err) => finish(new Error(`listener copies: the helper failed: ${err.message}`)));
  child.on('exit', (code, signal) => finish(new Error(`listener copies: the helper exited (${signal ?? code}) after sending ${copies.length} of ${o.copies}`)));
  child.on('message', (_m: unknown, copy: unknown) => {
    if (!copy) return;
    // A descriptor left open would keep the socket listening after the server closes.
    if (done) return void (copy as { close(): void }).close();
    const listener = net.createServer({ allowHalfOpen: settings.allowHalfOpen, pauseOnConnect: settings.pauseOnConnect, noDelay: settings.noDelay, keepAlive: settings.keepAlive, keepAliveInitialDelay: settings.keepAliveInitialDelay });
    listener.on('connection', (socket) => server.emit('connection', socket));
    listener.on('error', (err) => o.onError(err));
    listener.listen(copy);
    copies.push(listener);
    if (copies.length === o.copies) finish();
  });
  child.send(o.copies, handle as net.Server, (err) => err && finish(err));
  return {
    ready,
    async close() {
      if (!closed) {
        closed = true;
        for (const c of copies.splice(0)) c.close();
        finish();
      }
      await exited;
    },
  };
}
