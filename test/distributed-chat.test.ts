// The chat room across two gateway processes, as `npm run up` runs it: the user and chat services
// each in their own process, two gateways found through a test-owned etcd, on the real MariaDB,
// Redis (presence, send limits) and NATS (fan-out between the gateways). Messages sent on either
// gateway reach every member in per-room order; presence is one across them; a member removed on
// one gateway is cut from the room on the other; then a crash: one
// gateway is killed with SIGKILL, its client reconnects to the other and recovers exactly what it
// missed, and the dead gateway's connections leave the room's presence once their TTL passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectChat, type ChatClient } from './chat-client.js';
import { clusterServersReady, startCluster, type Cluster, type GatewayProcess } from './cluster.js';

const ready = await clusterServersReady();
const CHAT = '/api/v1/chat';

describe.skipIf(!ready)('distributed chat: two gateways', () => {
  let cluster: Cluster;
  let g1: GatewayProcess;
  let g2: GatewayProcess;
  let seq = 0;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    const env = { SURGE__http__faces: '["users","chat"]', SURGE__chatSocket__presenceTtlSeconds: '3', SURGE__chatSocket__sendsPerSecond: '100' };
    cluster = await startCluster({ services: { user: 1, chat: 1 }, env });
    g1 = cluster.gateways()[0]!;
    g2 = await cluster.startGateway();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await cluster?.close();
  });

  const signUp = async (base: string) => {
    const res = await fetch(`${base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `c${cluster.tag}${seq++}`, password: 'secret123' }) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number; token: string };
  };
  const connect = async (base: string, token: string) => {
    const c = await connectChat(base, token);
    clients.push(c);
    return c;
  };
  const join = async (c: ChatClient, room: number, sinceSeq?: number) => {
    const from = c.frames.length;
    c.send({ type: 'join', room, ...(sinceSeq === undefined ? {} : { since_seq: sinceSeq }) });
    return c.next((f) => f.type === 'presence' && f.room === room, `presence of room ${room}`, from);
  };
  const say = async (c: ChatClient, room: number, content: string, id: string) => {
    const from = c.frames.length;
    c.send({ type: 'send', room, content, client_msg_id: id });
    const f = await c.next((x) => (x.type === 'ack' || x.type === 'error') && x.client_msg_id === id, `answer to ${id}`, from);
    if (f.type === 'error') throw new Error(`send ${id} refused: ${JSON.stringify(f)}`);
    return f.seq as number;
  };
  const seqsUpTo = async (c: ChatClient, room: number, count: number) => {
    await c.next(() => c.seqs(room).length >= count, `${count} messages of room ${room}`);
    return c.seqs(room);
  };

  it('messages sent on either gateway reach every member on both in per-room order; presence is one across them', async () => {
    const [a, b] = [await signUp(g1.base), await signUp(g2.base)];
    const made = await fetch(`${g1.base}${CHAT}/rooms`, { method: 'POST', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'across' }) });
    const room = ((await made.json()) as { room: { id: number } }).room.id;
    const ca = await connect(g1.base, a.token);
    await join(ca, room);
    const cb = await connect(g2.base, b.token);
    const presence = await join(cb, room);
    expect(presence.count).toBe(2);
    await Promise.all([...Array.from({ length: 15 }, (_, i) => say(ca, room, `a${i}`, `a${i}`)), ...Array.from({ length: 15 }, (_, i) => say(cb, room, `b${i}`, `b${i}`))]);
    const all = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(await seqsUpTo(ca, room, 30)).toEqual(all);
    expect(await seqsUpTo(cb, room, 30)).toEqual(all);
  });

  it("a member removed through one gateway is cut from the room on the other: told, no more messages, no rejoin, out of presence", async () => {
    const [owner, member, watcher] = [await signUp(g1.base), await signUp(g2.base), await signUp(g1.base)];
    const http = (method: string, path: string, token: string, body?: unknown) =>
      fetch(`${g1.base}${CHAT}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const room = ((await (await http('POST', '/rooms', owner.token, { name: 'removal across', private: true })).json()) as { room: { id: number } }).room.id;
    for (const id of [member.id, watcher.id]) expect((await http('POST', `/rooms/${room}/members`, owner.token, { user_id: id })).status).toBe(200);
    const co = await connect(g1.base, owner.token);
    await join(co, room);
    const cm = await connect(g2.base, member.token);
    await join(cm, room);
    await say(co, room, 'before', 'before');
    expect(await seqsUpTo(cm, room, 1)).toEqual([1]);

    const from = cm.frames.length;
    const removed = await http('DELETE', `/rooms/${room}/members/${member.id}`, owner.token);
    expect(await removed.json()).toEqual({ removed: true });
    expect(await cm.next((f) => f.type === 'left' && f.room === room, 'the removal, on the other gateway', from)).toMatchObject({ user: { id: member.id }, reason: 'removed' });

    // A member on the member's gateway still receives; the removed one does not.
    const cw = await connect(g2.base, watcher.token);
    const online = await join(cw, room);
    expect((online.online as { id: number }[]).map((u) => u.id).sort()).toEqual([owner.id, watcher.id].sort());
    const seq = await say(co, room, 'after', 'after');
    await cw.next((f) => f.type === 'message' && f.seq === seq, 'the watcher on g2 receives');
    expect(cm.seqs(room)).toEqual([1]);
    const at = cm.frames.length;
    cm.send({ type: 'join', room });
    expect(await cm.next((f) => f.type === 'error' && f.room === room, 'the refused rejoin', at)).toMatchObject({ code: 40401, field: 'room' });
  });

  it('kill -9 of a gateway: its client reconnects to the other and recovers exactly what it missed; its connections leave presence after their TTL', async () => {
    const [a, b, watcher, onlyOnG1] = [await signUp(g1.base), await signUp(g2.base), await signUp(g2.base), await signUp(g1.base)];
    const made = await fetch(`${g2.base}${CHAT}/rooms`, { method: 'POST', headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'crash' }) });
    const room = ((await made.json()) as { room: { id: number } }).room.id;
    const ca = await connect(g1.base, a.token);
    await join(ca, room);
    const cg = await connect(g1.base, onlyOnG1.token);
    await join(cg, room);
    const cb = await connect(g2.base, b.token);
    expect((await join(cb, room)).count).toBe(3);
    for (let i = 0; i < 5; i++) await say(cb, room, `before ${i}`, `p${i}`);
    expect(await seqsUpTo(ca, room, 5)).toEqual([1, 2, 3, 4, 5]);
    const seen = ca.seqs(room).at(-1)!;

    const closed = ca.closed();
    await cluster.kill(g1.proc);
    expect((await closed).code).toBe(1006); // no close frame: the process died
    // While a is away, b keeps talking.
    for (let i = 0; i < 7; i++) await say(cb, room, `while away ${i}`, `w${i}`);

    const back = await connect(g2.base, a.token);
    await join(back, room, seen);
    await say(cb, room, 'after the return', 'after');
    expect(await seqsUpTo(back, room, 8)).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);

    // The dead gateway never said its users left: their entries expire (TTL 3 s); a new join then
    // sees a (back on g2), b and itself, and not the user who was only on the dead gateway.
    const cw = await connect(g2.base, watcher.token);
    const deadline = Date.now() + 30_000;
    let count = 0;
    let online: number[] = [];
    for (;;) {
      const p = await join(cw, room);
      count = p.count as number;
      online = (p.online as { id: number }[]).map((u) => u.id);
      if (!online.includes(onlyOnG1.id) || Date.now() > deadline) break;
      const from = cw.frames.length;
      cw.send({ type: 'leave', room });
      await cw.next((f) => f.type === 'left' && f.room === room, 'left', from);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(online.sort()).toEqual([a.id, b.id, watcher.id].sort());
    expect(count).toBe(3);
  });
});
