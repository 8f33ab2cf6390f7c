// Bad input to every RPC of the chat service: InvalidArgument naming the field, refused before
// any work (no room read, no row written). The handlers are called directly, so inputs the wire
// cannot carry (fractions in an int64) are tried too. The bounds themselves are taken.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { AddMemberRequest, CreateRoomRequest, GetRoomRequest, HistoryRequest, ListRoomsRequest, RemoveMemberRequest, SendRequest, SinceRequest } from '#gen/surge/chat/v1/chat';
import { MAX_CLIENT_MSG_ID, MAX_EPOCH, MAX_ROOM_NAME } from './index.js';
import { chatFixturesOn, sendRequest, type ChatFixture } from './testing/fixture.js';

const sqlite = (await testDatabases()).find((kind) => kind.name === 'SQLite')!;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Every table's rows, counted: a refused call writes none. */
const written = async (f: ChatFixture) => ({
  rooms: (await f.db.db.selectFrom('rooms').select(['id', 'last_seq', 'member_count']).execute()).map((r) => [Number(r.id), Number(r.last_seq), Number(r.member_count)]),
  members: (await f.db.db.selectFrom('room_members').select('user_id').execute()).length,
  owners: (await f.db.db.selectFrom('room_owners').select('rooms_owned').execute()).map((r) => Number(r.rooms_owned)),
  messages: (await f.db.db.selectFrom('messages').select('id').execute()).length,
});

/** The ids every id field is tried with, each refused naming the field. */
const badIds = (field: string): [string, number][] => [
  [`${field} 0`, 0],
  [`a negative ${field}`, -1],
  [`a fractional ${field}`, 1.5],
  [`an unsafe ${field}`, 2 ** 53],
  [`a NaN ${field}`, Number.NaN],
];

/** Calls `call` on a fixture holding a private room of user 1 (member 2) with one message, and checks the refusal and that nothing changed. */
async function refused(f: ChatFixture, call: () => Promise<unknown>, field: string) {
  const before = await written(f);
  const e = await rejectionOf(call(), Code.InvalidArgument);
  expect(e.details).toEqual({ field });
  expect(e.message.startsWith(`${field}: `)).toBe(true);
  expect(await written(f)).toEqual(before);
}

describe('bad input to the chat service', () => {
  const open = chatFixturesOn(sqlite);

  async function setUp() {
    const f = await open();
    const room = await f.room(1, { private: true });
    await f.svc.addMember({ userId: 1, roomId: room.id, memberId: 2 });
    await f.svc.send(sendRequest(1, room.id, 'first'));
    return { f, room };
  }

  const goodRoom: CreateRoomRequest = { userId: 1, name: 'Tea lovers', private: false };
  it.each<[string, Partial<CreateRoomRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<CreateRoomRequest>, string] => [what, { userId }, 'user_id']),
    ['an empty name', { name: '' }, 'name'],
    ['a name of spaces', { name: '    ' }, 'name'],
    ['a name of invisible characters', { name: '\u200b\u3164' }, 'name'],
    [`a name of ${MAX_ROOM_NAME + 1} characters`, { name: 'x'.repeat(MAX_ROOM_NAME + 1) }, 'name'],
    [`a name of ${MAX_ROOM_NAME + 1} emoji`, { name: '😀'.repeat(MAX_ROOM_NAME + 1) }, 'name'],
    ['a name on two lines', { name: 'tea\nlovers' }, 'name'],
    ['a name with a tab', { name: 'tea\tlovers' }, 'name'],
    ['a name with a control character', { name: 'tea\u001b[31m' }, 'name'],
    ['a name with a bidi override', { name: 'tea \u202Eexe' }, 'name'],
    ['a name with a lone surrogate', { name: 'tea \uD800' }, 'name'],
  ])('CreateRoom refuses %s', async (_what, change, field) => {
    const { f } = await setUp();
    await refused(f, () => f.handlers.createRoom({ ...goodRoom, ...change }, f.ctx()), field);
  });

  it(`CreateRoom takes a name of ${MAX_ROOM_NAME} characters (emoji count as one) and of one`, async () => {
    const { f } = await setUp();
    expect((await f.svc.createRoom({ ...goodRoom, name: '😀'.repeat(MAX_ROOM_NAME) })).name).toBe('😀'.repeat(MAX_ROOM_NAME));
    expect((await f.svc.createRoom({ ...goodRoom, name: ' 茶 ' })).name).toBe('茶');
  });

  it.each<[string, Partial<ListRoomsRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<ListRoomsRequest>, string] => [what, { userId }, 'user_id']),
    ['a cursor that is not base64url', { cursor: 'rooms.5!' }, 'cursor'],
    ['a cursor of plain text', { cursor: 'hello' }, 'cursor'],
    ["another list's cursor", { cursor: b64('r.5') }, 'cursor'],
    ['a cursor with a sort key this list has not', { cursor: b64('rooms.1.5') }, 'cursor'],
    ['a cursor of id 0', { cursor: b64('rooms.0') }, 'cursor'],
    ['a cursor of a negative id', { cursor: b64('rooms.-5') }, 'cursor'],
    ['a cursor past 2^53', { cursor: b64('rooms.9007199254740993') }, 'cursor'],
    ['a cursor with a leading zero', { cursor: b64('rooms.05') }, 'cursor'],
    ['a cursor of 201 characters', { cursor: 'A'.repeat(201) }, 'cursor'],
    ['a negative limit', { limit: -1 }, 'limit'],
    ['a fractional limit', { limit: 1.5 }, 'limit'],
  ])('ListRooms refuses %s', async (_what, change, field) => {
    const { f } = await setUp();
    await refused(f, () => f.handlers.listRooms({ userId: 1, cursor: '', limit: 20, ...change }, f.ctx()), field);
  });

  it.each<[string, Partial<GetRoomRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<GetRoomRequest>, string] => [what, { userId }, 'user_id']),
    ...badIds('room_id').map(([what, roomId]): [string, Partial<GetRoomRequest>, string] => [what, { roomId }, 'room_id']),
  ])('GetRoom refuses %s', async (_what, change, field) => {
    const { f, room } = await setUp();
    await refused(f, () => f.handlers.getRoom({ userId: 1, roomId: room.id, ...change }, f.ctx()), field);
  });

  it.each<[string, Partial<AddMemberRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<AddMemberRequest>, string] => [what, { userId }, 'user_id']),
    ...badIds('room_id').map(([what, roomId]): [string, Partial<AddMemberRequest>, string] => [what, { roomId }, 'room_id']),
    ...badIds('member_id').map(([what, memberId]): [string, Partial<AddMemberRequest>, string] => [what, { memberId }, 'member_id']),
  ])('AddMember refuses %s', async (_what, change, field) => {
    const { f, room } = await setUp();
    await refused(f, () => f.handlers.addMember({ userId: 1, roomId: room.id, memberId: 5, ...change }, f.ctx()), field);
  });

  it.each<[string, Partial<RemoveMemberRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<RemoveMemberRequest>, string] => [what, { userId }, 'user_id']),
    ...badIds('room_id').map(([what, roomId]): [string, Partial<RemoveMemberRequest>, string] => [what, { roomId }, 'room_id']),
    ...badIds('member_id').map(([what, memberId]): [string, Partial<RemoveMemberRequest>, string] => [what, { memberId }, 'member_id']),
  ])('RemoveMember refuses %s', async (_what, change, field) => {
    const { f, room } = await setUp();
    await refused(f, () => f.handlers.removeMember({ userId: 1, roomId: room.id, memberId: 2, ...change }, f.ctx()), field);
  });

  it.each<[string, Partial<SendRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<SendRequest>, string] => [what, { userId }, 'user_id']),
    ...badIds('room_id').map(([what, roomId]): [string, Partial<SendRequest>, string] => [what, { roomId }, 'room_id']),
    ['empty content', { content: '' }, 'content'],
    ['content of spaces and line breaks', { content: '  \n \n ' }, 'content'],
    ['content of 2001 characters', { content: 'x'.repeat(2001) }, 'content'],
    ['content of 2001 emoji', { content: '😀'.repeat(2001) }, 'content'],
    ['content with a control character', { content: 'hi\u0007' }, 'content'],
    ['content with a carriage return alone', { content: 'hi\rthere' }, 'content'],
    ['content with a line separator', { content: 'hi\u2028there' }, 'content'],
    ['content with a bidi override', { content: 'hi \u202Eexe' }, 'content'],
    ['content with a lone surrogate', { content: 'hi \uDC00' }, 'content'],
    ['an empty client_msg_id', { clientMsgId: '' }, 'client_msg_id'],
    [`a client_msg_id of ${MAX_CLIENT_MSG_ID + 1} characters`, { clientMsgId: 'a'.repeat(MAX_CLIENT_MSG_ID + 1) }, 'client_msg_id'],
    ['a client_msg_id with a space', { clientMsgId: 'msg 1' }, 'client_msg_id'],
    ['a client_msg_id with a slash', { clientMsgId: 'msg/1' }, 'client_msg_id'],
    ['a client_msg_id with a quote', { clientMsgId: 'msg"1' }, 'client_msg_id'],
    ['a client_msg_id with a newline', { clientMsgId: 'msg\n' }, 'client_msg_id'],
    ['a client_msg_id in another script', { clientMsgId: '消息1' }, 'client_msg_id'],
  ])('Send refuses %s', async (_what, change, field) => {
    const { f, room } = await setUp();
    await refused(f, () => f.handlers.send({ ...sendRequest(1, room.id, 'second'), ...change }, f.ctx()), field);
  });

  it('Send takes 2000 characters (the default chat.maxMessageChars), lines, and a client_msg_id of 64 characters', async () => {
    const { f, room } = await setUp();
    const long = await f.svc.send(sendRequest(1, room.id, 'a'.repeat(MAX_CLIENT_MSG_ID), { content: '好'.repeat(2000) }));
    expect(long.message!.content).toBe('好'.repeat(2000));
    const uuid = await f.svc.send(sendRequest(1, room.id, '3f1c9a4e-0b8d-4c2e-9f6a-7d5e1b2c3a4f', { content: 'line 1\r\nline 2\n\tindented' }));
    expect(uuid.message).toMatchObject({ content: 'line 1\nline 2\n\tindented', seq: 3 });
    expect((await f.svc.send(sendRequest(1, room.id, 'device:42.7_x'))).message!.seq).toBe(4);
  });

  it.each<[string, Partial<HistoryRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<HistoryRequest>, string] => [what, { userId }, 'user_id']),
    ...badIds('room_id').map(([what, roomId]): [string, Partial<HistoryRequest>, string] => [what, { roomId }, 'room_id']),
    ['a negative before_seq', { beforeSeq: -1 }, 'before_seq'],
    ['a fractional before_seq', { beforeSeq: 2.5 }, 'before_seq'],
    ['an unsafe before_seq', { beforeSeq: 2 ** 53 }, 'before_seq'],
    ['a negative limit', { limit: -5 }, 'limit'],
    ['a fractional limit', { limit: 0.5 }, 'limit'],
  ])('History refuses %s', async (_what, change, field) => {
    const { f, room } = await setUp();
    await refused(f, () => f.handlers.history({ userId: 1, roomId: room.id, beforeSeq: 0, limit: 10, ...change }, f.ctx()), field);
  });

  it.each<[string, Partial<SinceRequest>, string]>([
    ...badIds('user_id').map(([what, userId]): [string, Partial<SinceRequest>, string] => [what, { userId }, 'user_id']),
    ...badIds('room_id').map(([what, roomId]): [string, Partial<SinceRequest>, string] => [what, { roomId }, 'room_id']),
    ['a negative since_seq', { sinceSeq: -1 }, 'since_seq'],
    ['a fractional since_seq', { sinceSeq: 1.5 }, 'since_seq'],
    ['an unsafe since_seq', { sinceSeq: 2 ** 53 }, 'since_seq'],
    [`an epoch of ${MAX_EPOCH + 1} characters`, { epoch: 'a'.repeat(MAX_EPOCH + 1) }, 'epoch'],
    ['an epoch with a space', { epoch: 'ab cd' }, 'epoch'],
    ['an epoch with a dot', { epoch: 'ab.cd' }, 'epoch'],
    ['a negative limit', { limit: -1 }, 'limit'],
    ['a fractional limit', { limit: 99.5 }, 'limit'],
  ])('Since refuses %s', async (_what, change, field) => {
    const { f, room } = await setUp();
    await refused(f, () => f.handlers.since({ userId: 1, roomId: room.id, sinceSeq: 0, epoch: '', limit: 10, ...change }, f.ctx()), field);
  });

  it(`Since takes an epoch of ${MAX_EPOCH} characters (not the room's: too_far) and the room's own`, async () => {
    const { f, room } = await setUp();
    expect(await f.svc.since({ userId: 1, roomId: room.id, sinceSeq: 0, epoch: 'a'.repeat(MAX_EPOCH), limit: 0 })).toMatchObject({ tooFar: true, messages: [] });
    expect((await f.svc.since({ userId: 1, roomId: room.id, sinceSeq: 0, epoch: room.epoch, limit: 0 })).messages).toHaveLength(1);
  });
});
