import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { aboutFrame, frames, parseClientFrame } from './frames.js';

const limits = { maxMessageChars: 20 };
const parse = (v: unknown) => parseClientFrame(typeof v === 'string' ? v : JSON.stringify(v), limits);

describe('chat frames', () => {
  it('reads each client frame', () => {
    expect(parse({ type: 'ping' })).toEqual({ type: 'ping' });
    expect(parse({ type: 'join', room: 5 })).toEqual({ type: 'join', room: 5, sinceSeq: undefined, epoch: undefined });
    expect(parse({ type: 'join', room: 5, since_seq: 0 })).toEqual({ type: 'join', room: 5, sinceSeq: 0, epoch: undefined });
    expect(parse({ type: 'join', room: 5, since_seq: 9, epoch: 'aRqe_pbs-BA' })).toEqual({ type: 'join', room: 5, sinceSeq: 9, epoch: 'aRqe_pbs-BA' });
    expect(parse({ type: 'leave', room: 5 })).toEqual({ type: 'leave', room: 5 });
    expect(parse({ type: 'send', room: 5, content: '  你好\r\nworld ', client_msg_id: 'a-1_Z' })).toEqual({ type: 'send', room: 5, content: '你好\nworld', clientMsgId: 'a-1_Z' });
    expect(parse({ type: 'send', room: 5, content: 'x', client_msg_id: 'uuid:1.2' })).toMatchObject({ clientMsgId: 'uuid:1.2' });
  });

  const bad: [string, unknown, string][] = [
    ['not JSON', '{"type":', 'frame'],
    ['an array', [], 'frame'],
    ['null', 'null', 'frame'],
    ['a string', '"join"', 'frame'],
    ['no type', { room: 1 }, 'type'],
    ['an unknown type', { type: 'subscribe', room: 1 }, 'type'],
    ['an unknown field', { type: 'join', room: 1, admin: true }, 'admin'],
    ['an unknown field with a long name (echoed cut)', { type: 'ping', ['k'.repeat(5000)]: 1 }, `${'k'.repeat(40)}…`],
    ['a field of another frame', { type: 'leave', room: 1, content: 'x' }, 'content'],
    ['no room', { type: 'join' }, 'room'],
    ['room 0', { type: 'join', room: 0 }, 'room'],
    ['a negative room', { type: 'leave', room: -3 }, 'room'],
    ['a fractional room', { type: 'join', room: 1.5 }, 'room'],
    ['a room as text', { type: 'join', room: '1' }, 'room'],
    ['a room past 2^53', { type: 'join', room: 2 ** 53 }, 'room'],
    ['since_seq negative', { type: 'join', room: 1, since_seq: -1 }, 'since_seq'],
    ['since_seq as text', { type: 'join', room: 1, since_seq: '4' }, 'since_seq'],
    ['an epoch without since_seq', { type: 'join', room: 1, epoch: 'abc' }, 'epoch'],
    ['an epoch with other characters', { type: 'join', room: 1, since_seq: 1, epoch: 'a b' }, 'epoch'],
    ['an epoch too long', { type: 'join', room: 1, since_seq: 1, epoch: 'a'.repeat(33) }, 'epoch'],
    ['an epoch as a number', { type: 'join', room: 1, since_seq: 1, epoch: 5 }, 'epoch'],
    ['no content', { type: 'send', room: 1, client_msg_id: 'a' }, 'content'],
    ['content not text', { type: 'send', room: 1, content: 5, client_msg_id: 'a' }, 'content'],
    ['content of spaces', { type: 'send', room: 1, content: '   ', client_msg_id: 'a' }, 'content'],
    ['content too long', { type: 'send', room: 1, content: 'x'.repeat(21), client_msg_id: 'a' }, 'content'],
    ['content with a lone surrogate', { type: 'send', room: 1, content: 'a\ud800', client_msg_id: 'a' }, 'content'],
    ['content with a control character', { type: 'send', room: 1, content: 'a\u0007b', client_msg_id: 'a' }, 'content'],
    ['no client_msg_id', { type: 'send', room: 1, content: 'hi' }, 'client_msg_id'],
    ['an empty client_msg_id', { type: 'send', room: 1, content: 'hi', client_msg_id: '' }, 'client_msg_id'],
    ['a client_msg_id with spaces', { type: 'send', room: 1, content: 'hi', client_msg_id: 'a b' }, 'client_msg_id'],
    ['a client_msg_id too long', { type: 'send', room: 1, content: 'hi', client_msg_id: 'a'.repeat(65) }, 'client_msg_id'],
  ];
  it.each(bad)('refuses %s, naming the field', (_name, value, field) => {
    let caught: unknown;
    try {
      parse(value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SurgeError);
    expect((caught as SurgeError).code).toBe(Code.InvalidArgument);
    expect((caught as SurgeError).details?.field).toBe(field);
  });

  it('builds server frames as JSON that reads back to their fields', () => {
    const from = { id: 9, name: 'Ada "the" \u2028 Lovelace', avatar: '' };
    expect(JSON.parse(frames.message({ room: 1, seq: 2, id: 3, from, content: '你好\n"x"', createdAt: 4, clientMsgId: 'c1' }))).toEqual({ type: 'message', room: 1, seq: 2, id: 3, from, content: '你好\n"x"', created_at: 4, client_msg_id: 'c1' });
    expect(JSON.parse(frames.message({ room: 1, seq: 2, id: 3, from, content: 'x', createdAt: 4, clientMsgId: '' }))).not.toHaveProperty('client_msg_id');
    expect(JSON.parse(frames.error(new SurgeError(Code.InvalidArgument, 'room: bad', { details: { field: 'room' } }), { room: 4 }))).toEqual({ type: 'error', code: Code.InvalidArgument, message: 'room: bad', field: 'room', room: 4 });
    expect(JSON.parse(frames.error(new SurgeError(Code.RateLimited, 'too many', { details: { retryAfter: 2 } }), { room: 4, clientMsgId: 'c' }))).toEqual({ type: 'error', code: Code.RateLimited, message: 'too many', room: 4, client_msg_id: 'c', retry_after: 2 });
  });

  it('says which frame an error answers when its room and client_msg_id can be read', () => {
    expect(aboutFrame(JSON.stringify({ type: 'send', room: 7, content: '', client_msg_id: 'c-1' }))).toEqual({ room: 7, clientMsgId: 'c-1' });
    expect(aboutFrame(JSON.stringify({ type: 'send', room: -7, client_msg_id: 'bad id' }))).toEqual({});
    expect(aboutFrame('{"type":')).toEqual({});
    expect(aboutFrame('null')).toEqual({});
  });
});
