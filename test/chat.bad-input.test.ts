// Every chat HTTP route gets bad input and must answer a 4xx with a stable code and a message
// naming the field: never a 500, a stack trace or SQL. Then another user's ids on every route: a
// private room is NotFound to a stranger (word for word as an unknown id), only its owner adds
// members, and the room list never shows a private room to someone outside it. In embedded mode,
// and on the real servers (MariaDB, Redis, NATS) when they answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { connectChat } from './chat-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const CHAT = '/api/v1/chat';

interface Opts {
  body?: unknown;
  /** Sent as it is, as application/json unless `type` says otherwise. */
  raw?: string;
  type?: string;
  /** 'owner' (the default), 'none', or an Authorization header as it is. */
  auth?: 'owner' | 'none' | string;
  headers?: Record<string, string>;
}
type Case = [name: string, method: string, url: string, opts: Opts, status: number, code: number, field: string];

/** Spellings of an id that are not one: zero, a sign, letters, a fraction, a leading zero, an exponent, past 2^53, too long. */
const BAD_IDS = ['0', '-1', 'abc', '1.5', '01', '1e3', '9007199254740992', '99999999999999999', '1'.repeat(101)];
/** Page sizes outside 1–50, or not a number. */
const BAD_LIMITS = ['0', '51', 'x', '-1', '1.5', '', '5&limit=6'];
const q = (url: string, more: string) => `${url}${url.includes('?') ? '&' : '?'}${more}`;

/** An id no room and no user has in any run. */
const ROOM = 987654321;
/** Filled in per run: the owner's public and private rooms, and the private room's member. */
const PUBLIC = '{public}';
const PRIVATE = '{private}';
const MEMBER = '{member}';
const OWNER = '{owner}';

const rooms = `${CHAT}/rooms`;
const members = `${CHAT}/rooms/${PRIVATE}/members`;
const messages = `${CHAT}/rooms/${PUBLIC}/messages`;
const name = (n: unknown): Opts => ({ body: { name: n } });
/** An id too long for a path parameter is refused by the router, before the route's schema. */
const idField = (id: string) => (id.length > 100 ? 'path parameter' : 'id');
const idName = (id: string) => (id.length > 20 ? `of ${id.length} digits` : id);

const cases: Case[] = [
  // GET /rooms
  ...BAD_LIMITS.map((l): Case => [`rooms: limit ${JSON.stringify(l)}`, 'GET', q(rooms, `limit=${l}`), {}, 400, 40001, 'limit']),
  ['rooms: cursor with bad characters', 'GET', q(rooms, 'cursor=a%2Fb'), {}, 400, 40001, 'cursor'],
  ['rooms: cursor with a space', 'GET', q(rooms, 'cursor=a%20b'), {}, 400, 40001, 'cursor'],
  ['rooms: cursor too long', 'GET', q(rooms, `cursor=${'a'.repeat(201)}`), {}, 400, 40001, 'cursor'],
  ['rooms: a forged cursor', 'GET', q(rooms, 'cursor=Zm9yZ2Vk'), {}, 400, 40001, 'cursor'],
  ['rooms: an unknown parameter', 'GET', q(rooms, 'page=2'), {}, 400, 40001, 'page'],
  ['rooms: a user_id parameter (the user is the token’s)', 'GET', q(rooms, 'user_id=1'), {}, 400, 40001, 'user_id'],
  ['rooms: no token', 'GET', rooms, { auth: 'none' }, 401, 40101, 'Authorization'],
  ['rooms: a bad token', 'GET', rooms, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],
  ['rooms: not a bearer token', 'GET', rooms, { auth: 'Basic YTpi' }, 401, 40101, 'Authorization'],

  // POST /rooms
  ['create: no body', 'POST', rooms, {}, 400, 40001, 'body'],
  ['create: invalid JSON', 'POST', rooms, { raw: '{"name": "a",' }, 400, 40001, 'body'],
  ['create: an empty JSON body', 'POST', rooms, { raw: '' }, 400, 40001, 'body'],
  ['create: an array body', 'POST', rooms, { body: [{ name: 'a' }] }, 400, 40001, 'body'],
  ['create: a string body', 'POST', rooms, { body: 'lobby' }, 400, 40001, 'body'],
  ['create: a form body', 'POST', rooms, { raw: 'name=lobby', type: 'application/x-www-form-urlencoded' }, 415, 41501, 'Content-Type'],
  ['create: a text body', 'POST', rooms, { raw: 'lobby', type: 'text/plain' }, 415, 41501, 'Content-Type'],
  ['create: no name', 'POST', rooms, { body: { private: true } }, 400, 40001, 'name'],
  ['create: name empty', 'POST', rooms, name(''), 400, 40001, 'name'],
  ['create: name of spaces', 'POST', rooms, name('   '), 400, 40001, 'name'],
  ['create: name of 41 characters', 'POST', rooms, name('房'.repeat(41)), 400, 40001, 'name'],
  ['create: name of 41 emoji (code points, not UTF-16 units)', 'POST', rooms, name('😀'.repeat(41)), 400, 40001, 'name'],
  ['create: name of zero-width spaces only', 'POST', rooms, name('\u200b\u200b'), 400, 40001, 'name'],
  ['create: name of a Hangul filler only', 'POST', rooms, name('\u3164'), 400, 40001, 'name'],
  ['create: name with a lone surrogate', 'POST', rooms, { raw: '{"name":"a\\ud800b"}' }, 400, 40001, 'name'],
  ['create: name with a lone low surrogate', 'POST', rooms, { raw: '{"name":"\\udc00"}' }, 400, 40001, 'name'],
  ['create: name with NUL', 'POST', rooms, name('a\u0000b'), 400, 40001, 'name'],
  ['create: name with an escape character', 'POST', rooms, name('a\u001b[31mb'), 400, 40001, 'name'],
  ['create: name with a C1 control', 'POST', rooms, name('a\u0085b'), 400, 40001, 'name'],
  ['create: name on two lines', 'POST', rooms, name('a\nb'), 400, 40001, 'name'],
  ['create: name with a line separator', 'POST', rooms, name('a\u2028b'), 400, 40001, 'name'],
  ['create: name with a bidi override', 'POST', rooms, name('a\u202eb'), 400, 40001, 'name'],
  ['create: name as a number', 'POST', rooms, name(5), 400, 40001, 'name'],
  ['create: name null', 'POST', rooms, name(null), 400, 40001, 'name'],
  ['create: private as text', 'POST', rooms, { body: { name: 'a', private: 'yes' } }, 400, 40001, 'private'],
  ['create: private as 1', 'POST', rooms, { body: { name: 'a', private: 1 } }, 400, 40001, 'private'],
  ['create: an owner_id (the owner is the token’s)', 'POST', rooms, { body: { name: 'a', owner_id: 1 } }, 400, 40001, 'owner_id'],
  ['create: an unknown field', 'POST', rooms, { body: { name: 'a', topic: 'x' } }, 400, 40001, 'topic'],
  ['create: no token', 'POST', rooms, { auth: 'none', body: { name: 'a' } }, 401, 40101, 'Authorization'],
  ['create: a bad token', 'POST', rooms, { auth: 'Bearer x.y.z', body: { name: 'a' } }, 401, 40101, 'token'],

  // POST /rooms/:id/members
  ...BAD_IDS.map((id): Case => [`add member: room id ${idName(id)}`, 'POST', `${CHAT}/rooms/${id}/members`, { body: { user_id: 1 } }, 400, 40001, idField(id)]),
  ['add member: no body', 'POST', members, {}, 400, 40001, 'body'],
  ['add member: invalid JSON', 'POST', members, { raw: '{"user_id":' }, 400, 40001, 'body'],
  ['add member: no user_id', 'POST', members, { body: {} }, 400, 40001, 'user_id'],
  ['add member: user_id 0', 'POST', members, { body: { user_id: 0 } }, 400, 40001, 'user_id'],
  ['add member: user_id negative', 'POST', members, { body: { user_id: -5 } }, 400, 40001, 'user_id'],
  ['add member: user_id as text', 'POST', members, { body: { user_id: '5' } }, 400, 40001, 'user_id'],
  ['add member: user_id a fraction', 'POST', members, { body: { user_id: 1.5 } }, 400, 40001, 'user_id'],
  ['add member: user_id past 2^53', 'POST', members, { body: { user_id: 2 ** 53 } }, 400, 40001, 'user_id'],
  ['add member: user_id null', 'POST', members, { body: { user_id: null } }, 400, 40001, 'user_id'],
  ['add member: user_id a list', 'POST', members, { body: { user_id: [5] } }, 400, 40001, 'user_id'],
  ['add member: an unknown field', 'POST', members, { body: { user_id: 5, role: 'owner' } }, 400, 40001, 'role'],
  ['add member: a user that does not exist', 'POST', members, { body: { user_id: ROOM } }, 404, 40401, 'user_id'],
  ['add member: a room that does not exist', 'POST', `${CHAT}/rooms/${ROOM}/members`, { body: { user_id: MEMBER } }, 404, 40401, 'room_id'],
  ['add member: a public room (it keeps no member list)', 'POST', `${CHAT}/rooms/${PUBLIC}/members`, { body: { user_id: MEMBER } }, 409, 40902, 'room_id'],
  ['add member: no token', 'POST', members, { auth: 'none', body: { user_id: 5 } }, 401, 40101, 'Authorization'],
  ['add member: a bad token', 'POST', members, { auth: 'Bearer x.y.z', body: { user_id: 5 } }, 401, 40101, 'token'],

  // DELETE /rooms/:id/members/:user_id
  ...BAD_IDS.map((id): Case => [`remove member: room id ${idName(id)}`, 'DELETE', `${CHAT}/rooms/${id}/members/${MEMBER}`, {}, 400, 40001, idField(id)]),
  ...BAD_IDS.map((id): Case => [`remove member: user id ${idName(id)}`, 'DELETE', `${members}/${id}`, {}, 400, 40001, id.length > 100 ? 'path parameter' : 'user_id']),
  ['remove member: no user id', 'DELETE', `${members}/`, {}, 400, 40001, 'user_id'],
  ['remove member: a room that does not exist', 'DELETE', `${CHAT}/rooms/${ROOM}/members/${MEMBER}`, {}, 404, 40401, 'room_id'],
  ['remove member: a public room (it keeps no member list)', 'DELETE', `${CHAT}/rooms/${PUBLIC}/members/${MEMBER}`, {}, 409, 40902, 'room_id'],
  ['remove member: the owner (a private room keeps its owner)', 'DELETE', `${members}/${OWNER}`, {}, 409, 40902, 'member_id'],
  ['remove member: no token', 'DELETE', `${members}/${MEMBER}`, { auth: 'none' }, 401, 40101, 'Authorization'],
  ['remove member: a bad token', 'DELETE', `${members}/${MEMBER}`, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],

  // GET /rooms/:id/messages
  ...BAD_IDS.map((id): Case => [`messages: room id ${idName(id)}`, 'GET', `${CHAT}/rooms/${id}/messages`, {}, 400, 40001, idField(id)]),
  ...BAD_LIMITS.map((l): Case => [`messages: limit ${JSON.stringify(l)}`, 'GET', q(messages, `limit=${l}`), {}, 400, 40001, 'limit']),
  ...['-1', 'x', '1.5', '01', '', '1e3', '12345678901234567'].map((s): Case => [`messages: before_seq ${JSON.stringify(s)}`, 'GET', q(messages, `before_seq=${s}`), {}, 400, 40001, 'before_seq']),
  ['messages: a cursor (pages go by before_seq)', 'GET', q(messages, 'cursor=abc'), {}, 400, 40001, 'cursor'],
  ['messages: a room that does not exist', 'GET', `${CHAT}/rooms/${ROOM}/messages`, {}, 404, 40401, 'room_id'],
  ['messages: no token', 'GET', messages, { auth: 'none' }, 401, 40101, 'Authorization'],
  ['messages: a bad token', 'GET', messages, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],

  // GET /ws, refused before the upgrade (as plain HTTP)
  ['socket: no token', 'GET', `${CHAT}/ws`, { auth: 'none', headers: { 'sec-websocket-protocol': 'surge-chat' } }, 401, 40101, 'token'],
  ['socket: a bad token offered as the sub-protocol', 'GET', `${CHAT}/ws`, { auth: 'none', headers: { 'sec-websocket-protocol': 'surge-chat, bearer.x.y.z' } }, 401, 40101, 'token'],
  ['socket: a bad token in the query', 'GET', `${CHAT}/ws?token=x.y.z`, { auth: 'none' }, 401, 40101, 'token'],
  ['socket: a page of another site', 'GET', `${CHAT}/ws`, { auth: 'none', headers: { origin: 'https://evil.example' } }, 403, 40301, 'Origin'],
  ['socket: an Origin that is not a URL', 'GET', `${CHAT}/ws`, { auth: 'none', headers: { origin: 'null' } }, 403, 40301, 'Origin'],
];

describe.each(modes)('chat HTTP routes (%s)', (mode) => {
  let sys: TestSystem;
  let n = 0;
  const users: Record<'owner' | 'member' | 'stranger', { id: number; token: string }> = {} as never;
  let publicRoom = 0;
  let privateRoom = 0;

  /** A row's URL or body with this run's ids in place of PUBLIC, PRIVATE and MEMBER. */
  const fill = (text: string) =>
    text
      .replaceAll(PUBLIC, String(publicRoom))
      .replaceAll(PRIVATE, String(privateRoom))
      .replaceAll(JSON.stringify(MEMBER), String(users.member.id))
      .replaceAll(MEMBER, String(users.member.id))
      .replaceAll(OWNER, String(users.owner.id));
  const call = async (method: string, url: string, o: Opts = {}, as: keyof typeof users = 'owner') => {
    const auth = o.auth === undefined || o.auth === 'owner' ? `Bearer ${users[as].token}` : o.auth === 'none' ? undefined : o.auth;
    const json = o.body === undefined ? undefined : fill(JSON.stringify(o.body));
    const payload = o.raw ?? json;
    const res = await sys.app.inject({
      method: method as 'GET',
      url: fill(url),
      headers: { ...(auth ? { authorization: auth } : {}), ...(payload !== undefined ? { 'content-type': o.type ?? 'application/json' } : {}), ...o.headers },
      payload,
    });
    return { status: res.statusCode, text: res.body, json: () => JSON.parse(res.body) as Record<string, unknown> };
  };
  const post = (url: string, body: unknown, as: keyof typeof users) => call('POST', url, { body }, as);

  beforeAll(async () => {
    sys = await startTestSystem(mode);
    for (const who of ['owner', 'member', 'stranger'] as const) {
      const res = await sys.app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { username: `chatbad${who}${n++}`, password: 'secret123' } });
      expect(res.statusCode, res.body).toBe(201);
      users[who] = JSON.parse(res.body);
    }
    const made = async (body: unknown) => {
      const res = await post(`${CHAT}/rooms`, body, 'owner');
      expect(res.status, res.text).toBe(201);
      return (res.json().room as { id: number }).id;
    };
    publicRoom = await made({ name: 'bad input lobby' });
    privateRoom = await made({ name: 'bad input secret', private: true });
    expect((await post(`${CHAT}/rooms/${privateRoom}/members`, { user_id: users.member.id }, 'owner')).json()).toEqual({ added: true });
  });
  afterAll(async () => sys?.stop());

  it.each(cases)('%s', async (_name, method, url, o, status, code, field) => {
    const res = await call(method, url, o);
    expect(res.status, res.text).toBe(status);
    const body = res.json() as { code: number; message: string; details?: { field?: string } };
    expect(body.code, res.text).toBe(code);
    expect(body.message).toContain(field);
    // A refused field is named in details too, for clients that point at the input.
    if (body.details?.field !== undefined) expect(body.details.field).toContain(field);
    expect(res.text).not.toMatch(/at \w+ \(|SELECT|INSERT|sqlite|mysql|kysely/i);
  });

  it('the rows above refuse only what is wrong: the same routes with good input answer 2xx', async () => {
    expect((await call('GET', q(`${CHAT}/rooms`, 'limit=50'))).status).toBe(200);
    expect((await call('GET', q(`${CHAT}/rooms/${publicRoom}/messages`, 'limit=1&before_seq=0'))).status).toBe(200);
    expect((await call('GET', q(`${CHAT}/rooms/${publicRoom}/messages`, 'before_seq=9007199254740991'))).status).toBe(200);
    expect((await post(`${CHAT}/rooms`, { name: '房'.repeat(40), private: false }, 'stranger')).status).toBe(201);
    expect((await post(`${CHAT}/rooms`, { name: '  العربية\u200f 😀 ' }, 'stranger')).json().room).toMatchObject({ name: 'العربية\u200f 😀' });
    expect((await post(`${CHAT}/rooms/${privateRoom}/members`, { user_id: users.member.id }, 'owner')).json()).toEqual({ added: false });
    // Removing someone who is not a member: nothing to do, and said so.
    expect((await call('DELETE', `${CHAT}/rooms/${privateRoom}/members/${users.stranger.id}`)).json()).toEqual({ removed: false });
  });

  it("removing from another user's private room: 404 to a stranger (as an unknown room), 403 to a member removing anyone else, nothing changes", async () => {
    const { owner, member, stranger } = users;
    const made = await post(`${CHAT}/rooms`, { name: 'removals', private: true }, 'owner');
    const room = (made.json().room as { id: number }).id;
    expect((await post(`${CHAT}/rooms/${room}/members`, { user_id: member.id }, 'owner')).json()).toEqual({ added: true });
    const remove = (target: number, as: keyof typeof users, roomId = room) => call('DELETE', `${CHAT}/rooms/${roomId}/members/${target}`, {}, as);

    const unknown = await remove(member.id, 'stranger', ROOM);
    expect(unknown.status).toBe(404);
    for (const target of [member.id, owner.id, stranger.id]) {
      const res = await remove(target, 'stranger');
      expect(res.status).toBe(404);
      expect(res.json()).toEqual(unknown.json());
    }
    const byMember = await remove(owner.id, 'member');
    expect(byMember.status).toBe(403);
    expect(byMember.json()).toMatchObject({ code: 40301, message: 'room_id: only the room’s owner may remove other members', details: { field: 'room_id' } });
    expect((await remove(stranger.id, 'member')).status).toBe(403);
    // Nothing changed: the member still reads the room, the stranger still does not.
    expect((await call('GET', `${CHAT}/rooms/${room}/messages`, {}, 'member')).status).toBe(200);
    expect((await call('GET', `${CHAT}/rooms/${room}/messages`, {}, 'stranger')).status).toBe(404);

    // The member leaves (removes themselves); asked again, the room is hidden from them.
    expect(await remove(member.id, 'member').then((r) => [r.status, r.json()])).toEqual([200, { removed: true }]);
    expect((await remove(member.id, 'member')).json()).toEqual(unknown.json());
    expect((await call('GET', `${CHAT}/rooms/${room}/messages`, {}, 'member')).status).toBe(404);
    // The owner adds them back and removes them: once removed, twice nothing.
    await post(`${CHAT}/rooms/${room}/members`, { user_id: member.id }, 'owner');
    expect((await remove(member.id, 'owner')).json()).toEqual({ removed: true });
    expect((await remove(member.id, 'owner')).json()).toEqual({ removed: false });
    expect((await call('GET', `${CHAT}/rooms/${room}/messages`, {}, 'member')).status).toBe(404);
  });

  it("another user's private room: NotFound to a stranger on every route, owner-only member adds, never listed", async () => {
    const { owner, member, stranger } = users;
    // One message in the private room, through the socket, so there is something to keep from the stranger.
    const socket = await connectChat(sys.url, member.token);
    try {
      socket.send({ type: 'join', room: privateRoom });
      await socket.next((f) => f.type === 'presence' && f.room === privateRoom, 'the join');
      socket.send({ type: 'send', room: privateRoom, content: 'for members only', client_msg_id: 'secret-1' });
      expect(await socket.next((f) => f.type === 'ack' || f.type === 'error', 'the answer to the send')).toMatchObject({ type: 'ack', seq: 1 });
    } finally {
      await socket.close();
    }
    const unknown = await call('GET', `${CHAT}/rooms/${ROOM}/messages`, {}, 'stranger');
    expect(unknown.status).toBe(404);

    // Reading: the member and the owner read it; the stranger gets what an unknown id gets, word for word.
    const asMember = await call('GET', `${CHAT}/rooms/${privateRoom}/messages`, {}, 'member');
    expect(asMember.status).toBe(200);
    expect(asMember.json().messages).toMatchObject([{ seq: 1, content: 'for members only', from: { id: member.id } }]);
    expect((await call('GET', `${CHAT}/rooms/${privateRoom}/messages`, {}, 'owner')).status).toBe(200);
    const asStranger = await call('GET', `${CHAT}/rooms/${privateRoom}/messages`, {}, 'stranger');
    expect(asStranger.status).toBe(404);
    expect(asStranger.json()).toEqual(unknown.json());
    expect(asStranger.text).not.toContain('for members only');
    // Older pages too.
    expect((await call('GET', q(`${CHAT}/rooms/${privateRoom}/messages`, 'before_seq=2&limit=1'), {}, 'stranger')).status).toBe(404);

    // Adding members: a stranger (themselves or anyone) gets NotFound, as for an unknown room;
    // a member who is not the owner gets PermissionDenied; nothing changes either way.
    const unknownAdd = await post(`${CHAT}/rooms/${ROOM}/members`, { user_id: stranger.id }, 'stranger');
    expect(unknownAdd.status).toBe(404);
    for (const target of [stranger.id, owner.id, member.id]) {
      const res = await post(`${CHAT}/rooms/${privateRoom}/members`, { user_id: target }, 'stranger');
      expect(res.status).toBe(404);
      expect(res.json()).toEqual(unknownAdd.json());
    }
    const byMember = await post(`${CHAT}/rooms/${privateRoom}/members`, { user_id: stranger.id }, 'member');
    expect(byMember.status).toBe(403);
    expect(byMember.json()).toMatchObject({ code: 40301, details: { field: 'room_id' } });
    expect((await call('GET', `${CHAT}/rooms/${privateRoom}/messages`, {}, 'stranger')).status).toBe(404);
    // A public room has no members to add, and only its owner may try.
    expect((await post(`${CHAT}/rooms/${publicRoom}/members`, { user_id: stranger.id }, 'stranger')).status).toBe(403);

    // Listing: every public room to everyone, the private room to its owner and member only.
    const listed = async (as: keyof typeof users) => {
      const ids: number[] = [];
      let cursor = '';
      for (let page = 0; page < 20; page++) {
        const res = await call('GET', q(`${CHAT}/rooms`, `limit=50${cursor ? `&cursor=${cursor}` : ''}`), {}, as);
        expect(res.status, res.text).toBe(200);
        const body = res.json() as { rooms: { id: number }[]; next_cursor: string; is_end: boolean };
        ids.push(...body.rooms.map((r) => r.id));
        if (body.is_end) return ids;
        cursor = body.next_cursor;
      }
      throw new Error('the room list did not end');
    };
    expect(await listed('stranger')).toContain(publicRoom);
    expect(await listed('stranger')).not.toContain(privateRoom);
    expect(await listed('member')).toEqual(expect.arrayContaining([publicRoom, privateRoom]));
    expect(await listed('owner')).toEqual(expect.arrayContaining([publicRoom, privateRoom]));
  });
});
