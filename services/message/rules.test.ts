// The message rules on their own: each refusal names its field.
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { checkAfter, checkContent, checkId, checkPeer, checkPeerIds, MAX_IDS_PER_BATCH } from './rules.js';

const refusal = (fn: () => unknown) => refusalOf(fn, Code.InvalidArgument).details?.field;

describe('message rules', () => {
  it('content is trimmed and must hold 1–1000 characters', () => {
    expect(checkContent('  hello \n')).toBe('hello');
    expect(checkContent('x'.repeat(1000))).toHaveLength(1000);
    // Characters as people count them: an emoji is one, though two UTF-16 units.
    expect(checkContent('😀'.repeat(1000))).toHaveLength(2000);
    expect(refusal(() => checkContent(''))).toBe('content');
    expect(refusal(() => checkContent(' \t\n '))).toBe('content');
    expect(refusal(() => checkContent('x'.repeat(1001)))).toBe('content');
    expect(checkContent(`   ${'x'.repeat(1000)}   `)).toHaveLength(1000);
  });

  it.each([
    ['lines and tabs kept, CRLF as LF', 'hi\r\n\tthere', 'hi\n\tthere'],
    ['a bidi mark kept', 'שלום\u200f!', 'שלום\u200f!'],
  ])('content: %s', (_what, content, stored) => {
    expect(checkContent(content)).toBe(stored);
  });

  it.each([
    ['only U+200B', '\u200b', 'content: must hold at least 1 character besides spaces'],
    ['only U+FEFF and U+2060', '\ufeff\u2060', 'content: must hold at least 1 character besides spaces'],
    ['a bell', 'ding\u0007', 'content: must not contain control characters (U+0007)'],
    ['DEL', 'a\u007f', 'content: must not contain control characters (U+007F)'],
    ['a right-to-left override', 'a\u202eb', 'content: must not contain bidirectional override, embedding or isolate characters (U+202E)'],
    ['a lone surrogate', 'hi \ud800', 'content: must not contain lone surrogates (text that is not well-formed UTF-16)'],
  ])('content: refuses %s', (_what, content, message) => {
    try {
      checkContent(content);
    } catch (err) {
      expect((err as SurgeError).code).toBe(Code.InvalidArgument);
      expect((err as SurgeError).message).toContain(message);
      return;
    }
    throw new Error('expected a refusal');
  });

  it('ids are positive safe integers', () => {
    expect(checkId('from_user_id', 7)).toBe(7);
    for (const bad of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) expect(refusal(() => checkId('from_user_id', bad))).toBe('from_user_id');
  });

  it('a peer is another user', () => {
    expect(checkPeer('to_user_id', 2, 1, 'you cannot send a message to yourself')).toBe(2);
    expect(refusal(() => checkPeer('to_user_id', 1, 1, 'you cannot send a message to yourself'))).toBe('to_user_id');
    expect(refusal(() => checkPeer('to_user_id', 0, 1, 'x'))).toBe('to_user_id');
  });

  it('after is 0 or a time in ms', () => {
    expect(checkAfter(0)).toBe(0);
    expect(checkAfter(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(refusal(() => checkAfter(-1))).toBe('after');
    expect(refusal(() => checkAfter(0.5))).toBe('after');
  });

  it('peer ids: at most 1000, positive, duplicates folded', () => {
    expect(checkPeerIds([3, 2, 3])).toEqual([3, 2]);
    expect(checkPeerIds(Array.from({ length: MAX_IDS_PER_BATCH }, (_, i) => i + 1))).toHaveLength(MAX_IDS_PER_BATCH);
    expect(refusal(() => checkPeerIds(Array.from({ length: MAX_IDS_PER_BATCH + 1 }, (_, i) => i + 1)))).toBe('peer_ids');
    expect(refusal(() => checkPeerIds([1, 0]))).toBe('peer_ids');
  });
});
