// The chat room end to end over a real WebSocket, in embedded mode and on the real servers:
// rooms over HTTP, messages in per-room order to every member, recovery after a reconnect with
// since_seq (nothing missed, nothing twice), resends stored once, private rooms closed to
// strangers, presence, and the limits (sends per second, a slow reader cut off, connections per
// user, Origin, token).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '#kit/auth';
import { requireServer, servers } from '#kit/testing';
import { connectChat, stalledChat, type ChatClient, type ChatFrame, type Refusal } from './chat-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const CHAT = '/api/v1/chat';

describe.each(modes)('chat room (%s)', (mode) => {
  let sys: TestSystem;
  let n = 0;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    // Sends limited high enough for the test that fills a slow reader's buffers (the kernel's
    // socket buffers alone can hold tens of MB on loopback) with 27 KB messages.
    sys = await startTestSystem(mode, { 'chatSocket.sendsPerSecond': 1000, 'chatSocket.maxBufferedBytes': 16_384, 'chatSocket.maxConnectionsPerUser': 3, 'chat.maxMessageChars': 10_000, 'chatSocket.joinEventsMaxOnline': 5 });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await sys?.stop();
  });

  const call = async (method: string, url: string, token?: string, body?: unknown) => {
    const res = await fetch(sys.url + url, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const signUp = async () => {
    const res = await call('POST', '/api/v1/users/register', undefined, { username: `chat${Date.now().toString(36)}${n++}`, password: 'secret123' });
    expect(res.status).toBe(201);
    return res.body as { id: number; token: string };
  };
  const room = async (token: string, name: string, priv = false) => {
    const res = await call('POST', `${CHAT}/rooms`, token, { name, private: priv });
    expect(res.status).toBe(201);
    return res.body.room as { id: number; epoch: string; last_seq: number };
  };
  const connect = async (token: string) => {
    const c = await connectChat(sys.url, token);
    clients.push(c);
    return c;
  };
  const join = async (c: ChatClient, id: number, sinceSeq?: number) => {
    const from = c.frames.length;
    c.send({ type: 'join', room: id, ...(sinceSeq === undefined ? {} : { since_seq: sinceSeq }) });
    await c.next((f) => f.type === 'presence' && f.room === id, `presence of room ${id}`, from);
  };
  const say = async (c: ChatClient, id: number, content: string, clientMsgId: string) => {
    const from = c.frames.length;
    c.send({ type: 'send', room: id, content, client_msg_id: clientMsgId });
    const f = await c.next((x) => (x.type === 'ack' || x.type === 'error') && x.client_msg_id === clientMsgId, `answer to ${clientMsgId}`, from);
    if (f.type === 'error') throw new Error(`send ${clientMsgId} refused: ${JSON.stringify(f)}`);
    return f.seq as number;
  };
  const waitSeqs = async (c: ChatClient, id: number, count: number) => {
    await c.next(() => c.seqs(id).length >= count, `${count} messages of room ${id}`);
    return c.seqs(id);
  };

  it('delivers every message to every member in seq order, with the sender and masked content', async () => {
    const [a, b] = [await signUp(), await signUp()];
    const r = await room(a.token, '大厅 lobby');
    const [ca, cb] = [await connect(a.token), await connect(b.token)];
    await join(ca, r.id);
    await join(cb, r.id);
    // Both send at once: whatever seqs the service gives, each member sees 1..20 in order.
    await Promise.all([...Array.from({ length: 10 }, (_, i) => say(ca, r.id, `a${i}`, `a${i}`)), ...Array.from({ length: 10 }, (_, i) => say(cb, r.id, `b${i}`, `b${i}`))]);
    const want = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(await waitSeqs(ca, r.id, 20)).toEqual(want);
    expect(await waitSeqs(cb, r.id, 20)).toEqual(want);
    await say(ca, r.id, 'what the fuck 你好', 'masked');
    const m = await cb.next((f) => f.type === 'message' && f.client_msg_id === 'masked', 'the masked message');
    expect(m).toMatchObject({ room: r.id, seq: 21, content: 'what the **** 你好', from: { id: a.id } });
    const history = await call('GET', `${CHAT}/rooms/${r.id}/messages?limit=50`, b.token);
    expect(history.status).toBe(200);
    expect(history.body.messages.map((x: { seq: number }) => x.seq)).toEqual([...want, 21].reverse());
    expect(history.body).toMatchObject({ is_end: true, epoch: r.epoch, last_seq: 21 });
  });

  it('a member back with since_seq gets exactly what it missed, then the live messages, each once', async () => {
    const [a, b] = [await signUp(), await signUp()];
    const r = await room(a.token, 'recovery');
    const ca = await connect(a.token);
    await join(ca, r.id);
    let cb = await connect(b.token);
    await join(cb, r.id);
    for (let i = 1; i <= 3; i++) await say(ca, r.id, `m${i}`, `m${i}`);
    expect(await waitSeqs(cb, r.id, 3)).toEqual([1, 2, 3]);
    await cb.close();
    for (let i = 4; i <= 9; i++) await say(ca, r.id, `m${i}`, `m${i}`);
    cb = await connect(b.token);
    const from = cb.frames.length;
    cb.send({ type: 'join', room: r.id, since_seq: 3 });
    // A live message while the missed ones are read: it comes after them, once.
    const live = say(ca, r.id, 'm10', 'm10');
    await live;
    expect(await waitSeqs(cb, r.id, 7)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    const joined = await cb.next((f) => f.type === 'joined' && f.last_seq !== undefined, 'join confirmation', from);
    expect(joined).toMatchObject({ room: r.id, epoch: r.epoch });
    await say(ca, r.id, 'm11', 'm11');
    expect(await waitSeqs(cb, r.id, 8)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    // Seqs of another history (another epoch) are told to reload, even at the room's head.
    const other = await connect(b.token);
    const at = other.frames.length;
    other.send({ type: 'join', room: r.id, since_seq: 11, epoch: 'another-epoch' });
    expect(await other.next((f) => f.type === 'error' && f.room === r.id, 'reload', at)).toMatchObject({ reload: true, code: 40902 });
    // A send refused before any work still says which send it was.
    const before = other.frames.length;
    other.send({ type: 'send', room: r.id, content: '   ', client_msg_id: 'empty' });
    expect(await other.next((f) => f.type === 'error' && f.client_msg_id === 'empty', 'refused send', before)).toMatchObject({ room: r.id, field: 'content' });
  });

  it('a resent send with the same client_msg_id is stored once and acknowledged with the same seq', async () => {
    const a = await signUp();
    const r = await room(a.token, 'resend');
    const ca = await connect(a.token);
    await join(ca, r.id);
    const first = await say(ca, r.id, 'once', 'same-key');
    const again = await say(ca, r.id, 'once more', 'same-key');
    expect(again).toBe(first);
    const history = await call('GET', `${CHAT}/rooms/${r.id}/messages`, a.token);
    expect(history.body.messages).toHaveLength(1);
    expect(history.body.messages[0]).toMatchObject({ content: 'once', client_msg_id: 'same-key' });
  });

  it("a private room is closed to a stranger: no join, no history, no sends, no listing; the owner's invitation opens it", async () => {
    const [owner, stranger, other] = [await signUp(), await signUp(), await signUp()];
    const r = await room(owner.token, 'secret', true);
    const cs = await connect(stranger.token);
    const from = cs.frames.length;
    cs.send({ type: 'join', room: r.id });
    const refused = await cs.next((f) => f.type === 'error' && f.room === r.id, 'the refused join', from);
    expect(refused).toMatchObject({ code: 40401, field: 'room' });
    cs.send({ type: 'send', room: r.id, content: 'hi', client_msg_id: 'x1' });
    expect((await cs.next((f) => f.type === 'error' && f.client_msg_id === 'x1', 'the refused send')).code).toBe(40902);
    expect((await call('GET', `${CHAT}/rooms/${r.id}/messages`, stranger.token)).status).toBe(404);
    expect((await call('GET', `${CHAT}/rooms`, stranger.token)).body.rooms.map((x: { id: number }) => x.id)).not.toContain(r.id);
    // Only the owner adds members; the stranger cannot add themselves or anyone.
    expect((await call('POST', `${CHAT}/rooms/${r.id}/members`, stranger.token, { user_id: stranger.id })).status).toBe(404);
    expect((await call('POST', `${CHAT}/rooms/${r.id}/members`, owner.token, { user_id: 9_007_199_254_740_991 })).status).toBe(404);
    expect((await call('POST', `${CHAT}/rooms/${r.id}/members`, owner.token, { user_id: stranger.id })).body).toEqual({ added: true });
    expect((await call('POST', `${CHAT}/rooms/${r.id}/members`, stranger.token, { user_id: other.id })).status).toBe(403);
    await join(cs, r.id);
    expect((await call('GET', `${CHAT}/rooms/${r.id}/messages`, stranger.token)).status).toBe(200);
  });

  it("a removed member's sockets are told (left, reason removed) and stop receiving; they cannot rejoin, read or send; presence drops them", async () => {
    const [owner, member] = [await signUp(), await signUp()];
    const r = await room(owner.token, 'removal', true);
    expect((await call('POST', `${CHAT}/rooms/${r.id}/members`, owner.token, { user_id: member.id })).body).toEqual({ added: true });
    const co = await connect(owner.token);
    await join(co, r.id);
    // The member on two connections, both in the room.
    const [cm1, cm2] = [await connect(member.token), await connect(member.token)];
    await join(cm1, r.id);
    await join(cm2, r.id);
    await say(co, r.id, 'before', 'before');
    await waitSeqs(cm1, r.id, 1);
    await waitSeqs(cm2, r.id, 1);

    const from = [cm1.frames.length, cm2.frames.length, co.frames.length];
    const res = await call('DELETE', `${CHAT}/rooms/${r.id}/members/${member.id}`, owner.token);
    expect(res).toEqual({ status: 200, body: { removed: true } });
    for (const [i, c] of [cm1, cm2].entries()) {
      const left = await c.next((f) => f.type === 'left' && f.room === r.id, 'the removal', from[i]);
      expect(left).toEqual({ type: 'left', room: r.id, user: { id: member.id, name: expect.any(String), avatar: '' }, reason: 'removed' });
    }
    // The others are told the user left the room, as when their last connection goes.
    const gone = await co.next((f) => f.type === 'left' && (f.user as { id: number }).id === member.id, 'the member left', from[2]);
    expect(gone.reason).toBeUndefined();

    // Messages after the removal reach the owner and no longer the member.
    const seq = await say(co, r.id, 'after', 'after');
    await co.next((f) => f.type === 'message' && f.seq === seq, 'the owner receives');
    const watcher = await connect(owner.token);
    await join(watcher, r.id);
    const seq2 = await say(co, r.id, 'later', 'later');
    await watcher.next((f) => f.type === 'message' && f.seq === seq2, 'a later joiner receives');
    expect(cm1.seqs(r.id)).toEqual([1]);
    expect(cm2.seqs(r.id)).toEqual([1]);

    // Not joined any more: a send is refused on the socket; a join, like any non-member's, is NotFound.
    const before = cm1.frames.length;
    cm1.send({ type: 'send', room: r.id, content: 'still here?', client_msg_id: 'ghost' });
    expect(await cm1.next((f) => f.type === 'error' && f.client_msg_id === 'ghost', 'the refused send', before)).toMatchObject({ code: 40902, field: 'room' });
    cm1.send({ type: 'join', room: r.id, since_seq: 0 });
    expect(await cm1.next((f) => f.type === 'error' && f.room === r.id && f.code === 40401, 'the refused join', before)).toMatchObject({ field: 'room' });
    expect((await call('GET', `${CHAT}/rooms/${r.id}/messages`, member.token)).status).toBe(404);
    expect((await call('GET', `${CHAT}/rooms`, member.token)).body.rooms.map((x: { id: number }) => x.id)).not.toContain(r.id);
    // Presence: a new join sees the owner's two connections as one user, and not the member.
    const third = await connect(owner.token);
    const at = third.frames.length;
    third.send({ type: 'join', room: r.id });
    const p = await third.next((f) => f.type === 'presence' && f.room === r.id, 'presence', at);
    expect(p).toMatchObject({ count: 1, online: [{ id: owner.id }] });
    // Asked again, nothing is removed; no message of the room ever reached the member after seq 1.
    expect((await call('DELETE', `${CHAT}/rooms/${r.id}/members/${member.id}`, owner.token)).body).toEqual({ removed: false });
    expect([...cm1.frames, ...cm2.frames].filter((f) => f.type === 'message' && f.seq !== 1)).toEqual([]);
    for (const c of [watcher, third]) await c.close();
  });

  it('presence: the room sees who is online, and who comes and goes', async () => {
    const [a, b] = [await signUp(), await signUp()];
    const r = await room(a.token, 'presence');
    const ca = await connect(a.token);
    await join(ca, r.id);
    const cb = await connect(b.token);
    const from = cb.frames.length;
    cb.send({ type: 'join', room: r.id });
    const p = await cb.next((f) => f.type === 'presence' && f.room === r.id, 'presence', from);
    expect(p.count).toBe(2);
    expect((p.online as { id: number }[]).map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
    await ca.next((f) => f.type === 'joined' && (f.user as { id: number }).id === b.id && f.last_seq === undefined, 'b joined');
    await cb.close();
    await ca.next((f) => f.type === 'left' && (f.user as { id: number }).id === b.id, 'b left');
  });

  it('a crowded room announces no arrivals: joined and left only while at most chatSocket.joinEventsMaxOnline (5) are online', async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await signUp());
    const [a, b, , , e, f] = users as [(typeof users)[0], ...typeof users];
    const r = await room(a.token, 'crowd');
    const conns = [];
    for (const u of users.slice(0, 5)) {
      const c = await connect(u.token);
      await join(c, r.id);
      conns.push(c);
    }
    const ca = conns[0]!;
    await ca.next((x) => x.type === 'joined' && (x.user as { id: number }).id === e!.id && x.last_seq === undefined, 'e joined (5 online)');
    const cf = await connect(f!.token);
    await join(cf, r.id); // 6 online: not announced
    // b leaves, 6 → 5: not announced. Frames are handled in order, so the pong says the leave is done.
    const cb = conns[1]!;
    const from = cb.frames.length;
    cb.send({ type: 'leave', room: r.id });
    cb.send({ type: 'ping' });
    await cb.next((x) => x.type === 'pong', 'pong after the leave', from);
    await cf.close(); // f leaves, 5 → 4: announced, after the two that were not
    await ca.next((x) => x.type === 'left' && (x.user as { id: number }).id === f!.id, 'f left');
    const about = (id: number, type: string) => ca.frames.filter((x) => x.type === type && x.room === r.id && (x.user as { id: number } | undefined)?.id === id);
    expect(about(f!.id, 'joined')).toEqual([]);
    expect(about(b!.id, 'left')).toEqual([]);
    expect(about(b!.id, 'joined')).toHaveLength(1);
    for (const c of [cb, ...conns.slice(2)]) await c.close();
  });

  it('limits: frames are checked, a slow reader is cut off while others keep receiving', async () => {
    const [a, b, c] = [await signUp(), await signUp(), await signUp()];
    const r = await room(a.token, 'limits');
    const ca = await connect(a.token);
    await join(ca, r.id);
    // Frames are checked field by field before any work.
    ca.send('{"type":"send","room":1');
    expect(await ca.next((f) => f.type === 'error' && f.field === 'frame', 'a bad frame refused')).toMatchObject({ code: 40001 });
    // A reader that stops reading: once the socket buffers between them are full (the kernel's
    // alone hold tens of MB on loopback), its unsent frames pass 16 KiB and the server drops it,
    // while b keeps receiving and is told it left. Three senders of 27 KB messages fill them.
    const slow = await stalledChat(sys.url, c.token, r.id);
    const cb = await connect(b.token);
    await join(cb, r.id);
    let dropped = false;
    const left = cb.next((f) => f.type === 'left' && (f.user as { id: number }).id === c.id, 'the slow reader left').then(() => (dropped = true));
    const big = '汉'.repeat(9000);
    const flood = async (sender: ChatClient, tag: string) => {
      for (let i = 0; !dropped && i < 3000; i++) await say(sender, r.id, big, `${tag}${i}`);
    };
    const senders = [ca, ...(await Promise.all([signUp(), signUp()]).then((us) => Promise.all(us.map(async (u) => {
      const s = await connect(u.token);
      await join(s, r.id);
      return s;
    }))))];
    await Promise.all([...senders.map((s, i) => flood(s, `big${i}-`)), left]);
    expect(dropped).toBe(true);
    // Reading again, the slow client finds its connection closed; the close frame, when it got
    // through behind the unread messages, says 4008.
    expect([4008, undefined]).toContain(await slow.drain());
    const last = await say(ca, r.id, 'after the slow one left', 'after');
    await cb.next((f) => f.type === 'message' && f.seq === last, 'b still receives');
  }, 120_000);

  it('a client that floods frames faster than they are handled is closed (4029)', async () => {
    const a = await signUp();
    const r = await room(a.token, 'flood');
    const ca = await connect(a.token);
    await join(ca, r.id);
    const closed = ca.closed();
    for (let i = 0; i < 200; i++) ca.send({ type: 'send', room: r.id, content: `flood ${i}`, client_msg_id: `f${i}` });
    expect((await closed).code).toBe(4029);
  });

  it('refuses before the upgrade: no token, a bad token, another site, too many connections', async () => {
    const a = await signUp();
    const refusal = (p: Promise<unknown>) => p.then(() => ({ status: 0, body: 'connected' }), (err: Refusal) => err);
    expect((await refusal(connectChat(sys.url, ''))).status).toBe(401);
    expect((await refusal(connectChat(sys.url, 'not-a-token'))).status).toBe(401);
    const evil = await refusal(connectChat(sys.url, a.token, { origin: 'https://evil.example' }));
    expect(evil.status).toBe(403);
    expect(evil.body).toContain('Origin');
    expect((await refusal(connectChat(sys.url, a.token, { origin: sys.url }))).status).toBe(0);
    const byQuery = await connectChat(sys.url, a.token, { tokenIn: 'query' });
    clients.push(byQuery);
    const third = await connectChat(sys.url, a.token);
    clients.push(third);
    // The one connected with origin above is still open: that makes three.
    expect((await refusal(connectChat(sys.url, a.token))).status).toBe(429);
  });
});

describe.each(modes)('chat sends per user (%s)', (mode) => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'chatSocket.sendsPerSecond': 2 });
  });
  afterAll(async () => sys?.stop());

  it('past chatSocket.sendsPerSecond a send is refused (RateLimited) and stores nothing; the accepted ones are stored once each', async () => {
    const reg = await fetch(`${sys.url}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `rate${Date.now().toString(36)}`, password: 'secret123' }) });
    const { token } = (await reg.json()) as { token: string };
    const made = await fetch(`${sys.url}${CHAT}/rooms`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rate' }) });
    const { room } = (await made.json()) as { room: { id: number } };
    const c = await connectChat(sys.url, token);
    try {
      c.send({ type: 'join', room: room.id });
      await c.next((f) => f.type === 'presence', 'joined');
      const started = Date.now();
      for (let i = 0; i < 30; i++) c.send({ type: 'send', room: room.id, content: `m${i}`, client_msg_id: `r${i}` });
      await c.next(() => c.frames.filter((f) => f.type === 'ack' || (f.type === 'error' && typeof f.client_msg_id === 'string')).length === 30, 'an answer to each send');
      const seconds = (Date.now() - started) / 1000;
      const acks = c.frames.filter((f) => f.type === 'ack');
      const refused = c.frames.filter((f) => f.type === 'error' && typeof f.client_msg_id === 'string');
      for (const f of refused) expect(f.code).toBe(42901);
      // A burst of 2, then 2 per second while the 30 were handled.
      expect(acks.length).toBeGreaterThanOrEqual(2);
      expect(acks.length).toBeLessThanOrEqual(2 + Math.ceil(2 * seconds) + 1);
      const history = await fetch(`${sys.url}${CHAT}/rooms/${room.id}/messages?limit=50`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await history.json()) as { messages: unknown[] }).messages).toHaveLength(acks.length);
    } finally {
      await c.close();
    }
  });
});

describe.each(modes)('chat token expiry (%s)', (mode) => {
  const secret = 'chat-expiry-secret-'.padEnd(40, 'x');
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'auth.jwtSecret': secret, 'chatSocket.pingIntervalSeconds': 1 });
  });
  afterAll(async () => sys?.stop());

  it('a socket opened with a token closes with 4001 once the token expires, though it is busy in a room', async () => {
    const reg = await fetch(`${sys.url}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `exp${Date.now().toString(36)}`, password: 'secret123' }) });
    const { id, token } = (await reg.json()) as { id: number; token: string };
    const made = await fetch(`${sys.url}${CHAT}/rooms`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'expiry' }) });
    const { room } = (await made.json()) as { room: { id: number } };
    // The same secret as the system's, a two-second life.
    const brief = createTokens({ secret, ttlSeconds: 2 }).sign({ sub: id });
    const c = await connectChat(sys.url, brief);
    try {
      c.send({ type: 'join', room: room.id });
      await c.next((f) => f.type === 'presence', 'joined');
      const opened = Date.now();
      const { code, reason } = await c.closed();
      expect(code).toBe(4001);
      expect(reason).toMatch(/token expired/);
      // Not before the token's end (2 s, to the second it was signed in).
      expect(Date.now() - opened).toBeGreaterThan(900);
    } finally {
      await c.close();
    }
  });
});

describe('chat sockets in the access log (embedded)', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem('embedded', {}, { captureLog: true });
  });
  afterAll(async () => sys?.stop());

  it('a socket writes one access-log line when it closes: status 101, its user and close code, the token redacted', async () => {
    const reg = await fetch(`${sys.url}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `log${Date.now().toString(36)}`, password: 'secret123' }) });
    const { id, token } = (await reg.json()) as { id: number; token: string };
    const c = await connectChat(sys.url, token, { tokenIn: 'query' });
    await c.close();
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !line; i++) {
      const found = (await sys.logText()).split('\n').find((l) => l.includes('"status":101'));
      if (found) line = JSON.parse(found) as Record<string, unknown>;
      else await new Promise((r) => setTimeout(r, 10));
    }
    // The test client closes without a code: 1005, "no status received".
    expect(line).toMatchObject({ method: 'GET', route: `${CHAT}/ws`, status: 101, user: id, close: 1005, msg: 'request' });
    expect(line!.ms).toBeGreaterThan(0);
    expect(line!.url).toBe(`${CHAT}/ws?token=[redacted]`);
    expect(await sys.logText()).not.toContain(token);
  });
});

export type { ChatFrame };
