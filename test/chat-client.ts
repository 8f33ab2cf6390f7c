// A chat WebSocket client for tests: every frame received is kept, and a test waits for the
// frames it expects (a condition, never a fixed time).
import WebSocket from 'ws';

export interface ChatFrame {
  type: string;
  [field: string]: unknown;
}

export interface ChatClient {
  readonly ws: WebSocket;
  /** Every frame received so far, in order. */
  readonly frames: ChatFrame[];
  send(frame: unknown): void;
  /** Resolves the first frame at or after index `from` that matches, waiting up to 15 s. */
  next(match: (f: ChatFrame) => boolean, what: string, from?: number): Promise<ChatFrame>;
  /** The messages of a room received so far, as their seqs. */
  seqs(room: number): number[];
  /** Resolves the close code and reason once the server closes the socket. */
  closed(): Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export interface Refusal {
  status: number;
  body: string;
}

/** Connects with the token offered as `surge-chat, bearer.<token>`; rejects with the HTTP refusal when the upgrade is refused. */
export function connectChat(baseUrl: string, token: string, options: { origin?: string; tokenIn?: 'protocol' | 'query' } = {}): Promise<ChatClient> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/chat/ws${options.tokenIn === 'query' ? `?token=${encodeURIComponent(token)}` : ''}`;
  const ws = new WebSocket(url, options.tokenIn === 'query' ? ['surge-chat'] : ['surge-chat', `bearer.${token}`], options.origin ? { origin: options.origin } : {});
  const frames: ChatFrame[] = [];
  const waiters = new Set<() => void>();
  let closeInfo: { code: number; reason: string } | undefined;
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as ChatFrame);
    for (const w of [...waiters]) w();
  });
  ws.on('close', (code, reason) => {
    closeInfo = { code, reason: reason.toString() };
    for (const w of [...waiters]) w();
  });
  const client: ChatClient = {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next(match, what, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.slice(from).find(match);
          if (found) {
            done();
            resolve(found);
          } else if (closeInfo) {
            done();
            reject(new Error(`${what}: the socket closed (${closeInfo.code} ${closeInfo.reason}) first; frames: ${JSON.stringify(frames).slice(-800)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${what}: not received in 15 s; frames: ${JSON.stringify(frames).slice(-800)}`));
        }, 15_000);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    seqs: (room) => frames.filter((f) => f.type === 'message' && f.room === room).map((f) => f.seq as number),
    closed: () =>
      new Promise((resolve) => {
        if (closeInfo) return resolve(closeInfo);
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      }),
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      const closed = client.closed();
      ws.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => reject(Object.assign(new Error(`refused ${res.statusCode}: ${body}`), { status: res.statusCode ?? 0, body } satisfies Refusal)));
    });
    ws.once('error', reject);
  });
}

/**
 * A client that completes the WebSocket handshake, joins a room, then never reads again: the
 * server's frames pile up in the socket buffers and then in the server's own. (A `ws` client
 * cannot play this: it resumes its socket whenever its parser drains.) A paused socket does not
 * see the server close it: `drain()` reads again and resolves once the connection is gone, with
 * the close code the server sent, if its close frame came through.
 */
export async function stalledChat(baseUrl: string, token: string, room: number): Promise<{ drain(): Promise<number | undefined>; destroy(): void }> {
  const { connect } = await import('node:net');
  const { randomBytes } = await import('node:crypto');
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(
    `GET /api/v1/chat/ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: surge-chat, bearer.${token}\r\n\r\n`,
  );
  // Read until the handshake's answer and the first frames (the join's) have come, then stop.
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`handshake refused: ${head.slice(0, 200)}`));
      if (head.includes('"presence"')) {
        socket.off('data', onData);
        socket.pause();
        resolve();
      }
    };
    socket.on('data', onData);
    const payload = Buffer.from(JSON.stringify({ type: 'join', room }));
    const mask = randomBytes(4);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    // A client frame: FIN + text, masked, length < 126.
    setTimeout(() => socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked])), 50);
  });
  return {
    drain: () =>
      new Promise((resolve) => {
        // The tail of what arrived: a close frame (opcode 8) carries its code in its first two bytes.
        let tail = Buffer.alloc(0);
        socket.on('data', (d: Buffer) => (tail = Buffer.concat([tail, d]).subarray(-64)));
        socket.on('error', () => undefined);
        socket.once('close', () => {
          const at = tail.lastIndexOf(0x88);
          resolve(at >= 0 && at + 4 <= tail.length ? tail.readUInt16BE(at + 2) : undefined);
        });
        socket.resume();
      }),
    destroy: () => socket.destroy(),
  };
}
