import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createRoomStreams, type RoomBus, type SeqFrame, type StreamMember } from './room-streams.js';
import { sharedBus } from './testing/shared-bus.js';


/** The chat service's record: frames by seq, and how far back it answers. */
function record(limit = 100) {
  const frames: SeqFrame[] = [];
  let reads = 0;
  return {
    frames,
    reads: () => reads,
    add(seq: number) {
      const f = { seq, frame: `m${seq}` };
      frames.push(f);
      return f;
    },
    history: {
      head: async () => frames.reduce((n, f) => Math.max(n, f.seq), 0),
      async since(_room: number, after: number) {
        reads++;
        const missed = frames.filter((f) => f.seq > after).sort((a, b) => a.seq - b.seq);
        return missed.length > limit ? { frames: [], tooFar: true } : { frames: missed, tooFar: false };
      },
      access: async (): Promise<'open' | 'member' | 'none'> => 'open',
    },
  };
}

function member(userId = 1) {
  const got: number[] = [];
  const events: string[] = [];
  const lost: number[] = [];
  let removed = 0;
  const m: StreamMember = { userId, message: (seq) => void got.push(seq), event: (f) => void events.push(f), lost: (at) => void lost.push(at), removed: () => void removed++ };
  return { m, got, events, lost, removed: () => removed };
}

const flush = () => new Promise((r) => setImmediate(r));

/** A broker that holds what is published until released: the echo of a publish comes later. */
function slowBus() {
  const subs = new Map<string, Set<(p: string) => void>>();
  const held: [string, string][] = [];
  const bus: RoomBus = {
    publish: (subject, payload) => void held.push([subject, payload]),
    subscribe(subject, handler) {
      const set = subs.get(subject) ?? new Set();
      subs.set(subject, set);
      set.add(handler);
      return { unsubscribe: () => set.delete(handler) };
    },
  };
  const release = () => {
    for (const [subject, payload] of held.splice(0)) for (const h of [...(subs.get(subject) ?? [])]) h(payload);
  };
  return { bus, release };
}

describe('room streams', () => {
  it("delivers a message published here to this instance's members before the broker's echo, and once", async () => {
    const slow = slowBus();
    const rec = record();
    const s = createRoomStreams({ bus: slow.bus, history: rec.history, clock: new ManualClock(), subjectOf: (r) => `chat.room.${r}` });
    const x = member();
    await s.attach(1, x.m);
    s.publishMessage(1, rec.add(1).seq, 'm1');
    s.publishMessage(1, rec.add(2).seq, 'm2');
    expect(x.got).toEqual([1, 2]);
    slow.release();
    await flush();
    expect(x.got).toEqual([1, 2]);
  });

  it('delivers in seq order to every member on every instance, events as they come', async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    const a = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `chat.room.${r}` });
    const b = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `chat.room.${r}` });
    const [x, y, z] = [member(), member(), member()];
    expect(await a.attach(1, x.m)).toBe(0);
    await a.attach(1, y.m);
    await b.attach(1, z.m);
    for (let seq = 1; seq <= 5; seq++) (seq % 2 ? a : b).publishMessage(1, rec.add(seq).seq, `m${seq}`);
    a.publishEvent(1, 'joined');
    for (const who of [x, y, z]) {
      expect(who.got).toEqual([1, 2, 3, 4, 5]);
      expect(who.events).toEqual(['joined']);
    }
  });

  it('holds a message that arrives ahead of its turn until the one before it comes', async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    const s = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `r.${r}` });
    const x = member();
    await s.attach(1, x.m);
    rec.add(1);
    rec.add(2);
    rec.add(3);
    s.publishMessage(1, 3, 'm3');
    s.publishMessage(1, 2, 'm2');
    expect(x.got).toEqual([]);
    s.publishMessage(1, 1, 'm1');
    expect(x.got).toEqual([1, 2, 3]);
    s.publishMessage(1, 2, 'm2'); // a duplicate is dropped
    expect(x.got).toEqual([1, 2, 3]);
    expect(rec.reads()).toBe(0);
  });

  it('fills a gap that stays open from the history, then goes on with what waited behind it', async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    const s = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `r.${r}`, gapWaitMs: 200 });
    // Another instance publishes: what the broker loses never reaches this one.
    const other = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `r.${r}` });
    const x = member();
    await s.attach(1, x.m);
    rec.add(1);
    net.drop(true); // seq 1 and 2 never reach this instance
    other.publishMessage(1, 1, 'm1');
    rec.add(2);
    other.publishMessage(1, 2, 'm2');
    net.drop(false);
    rec.add(3);
    other.publishMessage(1, 3, 'm3');
    expect(x.got).toEqual([]);
    clock.advance(199);
    expect(rec.reads()).toBe(0);
    clock.advance(1);
    await flush();
    expect(x.got).toEqual([1, 2, 3]);
    expect(rec.reads()).toBe(1);
    rec.add(4);
    other.publishMessage(1, 4, 'm4');
    expect(x.got).toEqual([1, 2, 3, 4]);
  });

  it('asks the history at once when too much waits behind a gap', async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    const s = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `r.${r}`, maxPending: 3 });
    const x = member();
    await s.attach(1, x.m);
    for (let seq = 1; seq <= 5; seq++) rec.add(seq);
    for (let seq = 2; seq <= 5; seq++) s.publishMessage(1, seq, `m${seq}`);
    await flush();
    expect(x.got).toEqual([1, 2, 3, 4, 5]);
  });

  it('tells members when the history no longer holds what was missed, then goes on from there', async () => {
    const net = sharedBus();
    const rec = record(2);
    const clock = new ManualClock();
    const s = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `r.${r}` });
    const x = member();
    await s.attach(1, x.m);
    for (let seq = 1; seq <= 6; seq++) rec.add(seq);
    s.publishMessage(1, 6, 'm6');
    clock.advance(200);
    await flush();
    await flush();
    expect(x.lost).toEqual([0]);
    expect(x.got).toEqual([6]);
  });

  it('starts a new member at the room head, subscribes once per room per instance and closes with the last member', async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    const s = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `r.${r}` });
    rec.add(1);
    rec.add(2);
    const [x, y] = [member(), member()];
    expect(await s.attach(7, x.m)).toBe(2);
    expect(await s.attach(7, y.m)).toBe(2);
    expect(net.subscribers('r.7')).toBe(1);
    s.detach(7, x.m);
    expect(net.subscribers('r.7')).toBe(1);
    s.detach(7, y.m);
    expect(net.subscribers('r.7')).toBe(0);
    expect(s.rooms().size).toBe(0);
  });

  it('a message published while the head is read is neither lost nor doubled', async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const history = { ...rec.history, head: async () => (await gate, 1) };
    const s = createRoomStreams({ bus: net.bus(), history, clock, subjectOf: (r) => `r.${r}` });
    rec.add(1);
    const x = member();
    const attached = s.attach(1, x.m);
    rec.add(2);
    s.publishMessage(1, 2, 'm2');
    s.publishMessage(1, 1, 'm1'); // a late copy of what the head already counts
    release();
    expect(await attached).toBe(2);
    expect(x.got).toEqual([2]);
  });

  it("a removal drops the user's members on every instance, each told once, and no one else's", async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    const a = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `chat.room.${r}` });
    const b = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `chat.room.${r}` });
    // User 2 on both instances (two connections on b), user 3 beside them, user 2 in another room too.
    const [onA, onB1, onB2, other, elsewhere] = [member(2), member(2), member(2), member(3), member(2)];
    await a.attach(1, onA.m);
    await b.attach(1, onB1.m);
    await b.attach(1, onB2.m);
    await b.attach(1, other.m);
    await a.attach(9, elsewhere.m);
    a.publishMessage(1, rec.add(1).seq, 'm1');
    a.publishRemoval(1, 2);
    // Told once each, though the broker's echo of the removal reached a too.
    expect([onA, onB1, onB2].map((x) => x.removed())).toEqual([1, 1, 1]);
    expect([other.removed(), elsewhere.removed()]).toEqual([0, 0]);
    b.publishMessage(1, rec.add(2).seq, 'm2');
    for (const x of [onA, onB1, onB2]) expect(x.got).toEqual([1]);
    expect(other.got).toEqual([1, 2]);
    a.publishMessage(9, rec.add(1).seq, 'm1');
    expect(elsewhere.got).toEqual([1]);
    // a held only the removed user in room 1: its stream closed; b's stays for user 3.
    expect(a.rooms().has(1)).toBe(false);
    expect(b.rooms().get(1)).toEqual(new Set([other.m]));
    expect(net.subscribers('chat.room.1')).toBe(1);
    // Detaching a member the removal dropped changes nothing; a removal again tells no one.
    b.detach(1, onB1.m);
    b.publishRemoval(1, 2);
    expect(b.rooms().get(1)).toEqual(new Set([other.m]));
    expect(onB1.removed()).toBe(1);
  });

  it('a removal missed while the broker was away is found on resync: users the history says may not read the room are dropped', async () => {
    const net = sharedBus();
    const rec = record();
    const clock = new ManualClock();
    const members = new Set([2, 3]);
    const asked: number[] = [];
    const history = {
      ...rec.history,
      access: async (_room: number, userId: number) => (asked.push(userId), members.has(userId) ? ('member' as const) : ('none' as const)),
    };
    const a = createRoomStreams({ bus: net.bus(), history, clock, subjectOf: (r) => `chat.room.${r}` });
    const b = createRoomStreams({ bus: net.bus(), history, clock, subjectOf: (r) => `chat.room.${r}` });
    const [x, x2, y] = [member(2), member(2), member(3)];
    for (const m of [x, x2, y]) await a.attach(1, m.m);
    net.drop(true);
    members.delete(2);
    b.publishRemoval(1, 2);
    net.drop(false);
    expect(x.removed()).toBe(0);
    a.resync();
    await flush();
    await flush();
    expect([x.removed(), x2.removed(), y.removed()]).toEqual([1, 1, 0]);
    expect(asked).toEqual([2, 3]); // once per user, not per connection
    b.publishMessage(1, rec.add(1).seq, 'm1');
    expect(y.got).toEqual([1]);
    expect(x.got).toEqual([]);
    // A public room is asked about once, whoever is in it.
    const open = createRoomStreams({ bus: net.bus(), history: rec.history, clock, subjectOf: (r) => `chat.room.${r}` });
    const [p, q] = [member(4), member(5)];
    await open.attach(2, p.m);
    await open.attach(2, q.m);
    let publicAsks = 0;
    rec.history.access = async () => (publicAsks++, 'open');
    open.resync();
    await flush();
    expect(publicAsks).toBe(1);
    expect([p.removed(), q.removed()]).toEqual([0, 0]);
  });

  it('a head that cannot be read fails the join and leaves no stream behind', async () => {
    const net = sharedBus();
    const s = createRoomStreams({ bus: net.bus(), history: { head: async () => Promise.reject(new Error('chat service down')), since: async () => ({ frames: [], tooFar: false }), access: async () => 'open' }, clock: new ManualClock(), subjectOf: (r) => `r.${r}` });
    await expect(s.attach(1, member().m)).rejects.toThrow('chat service down');
    expect(s.rooms().size).toBe(0);
    expect(net.subscribers('r.1')).toBe(0);
  });
});
