import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { Params } from './params.js';
import { refusalOf } from '#kit/testing';

const one = (name: string, value: string | undefined) => new Params(value === undefined ? {} : { [name]: value });

const failure = (read: () => unknown): SurgeError => refusalOf(read);

describe('Params readers accept', () => {
  it.each([
    ['string', (p: Params) => p.string('x'), 'abc', 'abc'],
    ['optionalString absent', (p: Params) => p.optionalString('x'), undefined, undefined],
    ['optionalString empty', (p: Params) => p.optionalString('x'), '', ''],
    ['text', (p: Params) => p.text('x', { max: 3 }), '日本語', '日本語'],
    ['text with emoji counted once', (p: Params) => p.text('x', { max: 2 }), '😀😀', '😀😀'],
    ['text may be empty with min 0', (p: Params) => p.text('x', { min: 0, max: 3 }), undefined, ''],
    ['text trimmed', (p: Params) => p.text('x', { max: 3 }), '  ab \n', 'ab'],
    ['text on several lines where allowed', (p: Params) => p.text('x', { max: 5, multiline: true }), 'a\r\n\tb', 'a\n\tb'],
    ['id', (p: Params) => p.id('x'), '42', 42],
    ['id with a zero fraction', (p: Params) => p.id('x'), '12.0', 12],
    ['id at 2^53 - 1', (p: Params) => p.id('x'), String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
    ['optionalId absent', (p: Params) => p.optionalId('x'), undefined, undefined],
    ['optionalId empty', (p: Params) => p.optionalId('x'), '', undefined],
    ['optionalId 0 where allowed', (p: Params) => p.optionalId('x', { allowZero: true }), '0', 0],
    ['optionalId', (p: Params) => p.optionalId('x'), '7', 7],
    ['oneOf', (p: Params) => p.oneOf('x', [1, 2]), '2', 2],
    ['time absent', (p: Params) => p.time('x'), undefined, undefined],
    ['time empty', (p: Params) => p.time('x'), '', undefined],
    ['time 0', (p: Params) => p.time('x'), '0', undefined],
    ['time in seconds', (p: Params) => p.time('x'), '1700000000', 1_700_000_000_000],
    ['time in milliseconds', (p: Params) => p.time('x'), '1700000000123', 1_700_000_000_123],
    ['time just below 10^11 is seconds', (p: Params) => p.time('x'), '99999999999', 99_999_999_999_000],
    ['time at 10^11 is milliseconds', (p: Params) => p.time('x'), '100000000000', 100_000_000_000],
  ] as const)('%s', (_what, read, value, expected) => {
    expect(read(one('x', value))).toBe(expected);
  });
});

describe('Params readers refuse, naming the field', () => {
  it.each([
    ['string absent', (p: Params) => p.string('username'), 'username', undefined, 'username: is required'],
    ['string empty', (p: Params) => p.string('username'), 'username', '', 'username: is required'],
    ['text absent', (p: Params) => p.text('comment_text', { max: 5 }), 'comment_text', undefined, 'comment_text: is required'],
    ['text too long', (p: Params) => p.text('comment_text', { max: 5 }), 'comment_text', '123456', 'comment_text: must be at most 5 characters (got 6)'],
    ['text too long in emoji', (p: Params) => p.text('title', { max: 2 }), 'title', '😀😀😀', 'title: must be at most 2 characters (got 3)'],
    ['text too short', (p: Params) => p.text('title', { min: 3, max: 5 }), 'title', '😀😀', 'title: must be at least 3 characters (got 2)'],
    ['text of spaces only', (p: Params) => p.text('comment_text', { max: 5, multiline: true }), 'comment_text', ' \t\n ', 'comment_text: must hold at least 1 character besides spaces and invisible characters'],
    ['text of a zero-width space only', (p: Params) => p.text('comment_text', { max: 5, multiline: true }), 'comment_text', '\u200b', 'comment_text: must hold at least 1 character besides spaces and invisible characters'],
    ['text with a control character', (p: Params) => p.text('content', { max: 5, multiline: true }), 'content', 'a\u0007', 'content: must not contain control characters (U+0007)'],
    ['text with a bidi override', (p: Params) => p.text('title', { max: 9 }), 'title', 'a\u202egpj.exe', 'title: must not contain bidirectional override, embedding or isolate characters (U+202E)'],
    ['text with a lone surrogate', (p: Params) => p.text('content', { max: 5, multiline: true }), 'content', 'a\ud800', 'content: must not contain lone surrogates (text that is not well-formed UTF-16)'],
    ['one-line text with a line break', (p: Params) => p.text('title', { max: 5 }), 'title', 'a\nb', 'title: must be one line (no line breaks or tabs)'],
    ['id absent', (p: Params) => p.id('video_id'), 'video_id', undefined, 'video_id: is required: a positive integer id'],
    ['id empty', (p: Params) => p.id('video_id'), 'video_id', '', 'video_id: is required: a positive integer id'],
    ['id zero', (p: Params) => p.id('video_id'), 'video_id', '0', 'video_id: must be a positive integer id (got "0")'],
    ['id negative', (p: Params) => p.id('video_id'), 'video_id', '-3', 'video_id: must be a positive integer id (got "-3")'],
    ['id not a number', (p: Params) => p.id('video_id'), 'video_id', 'abc', 'video_id: must be a positive integer id (got "abc")'],
    ['id with a fraction', (p: Params) => p.id('video_id'), 'video_id', '12.5', 'video_id: must be a positive integer id, a whole number (got "12.5")'],
    ['id past 2^53', (p: Params) => p.id('video_id'), 'video_id', '9007199254740993', 'video_id: must be a positive integer id below 2^53 (got "9007199254740993")'],
    ['id in hex', (p: Params) => p.id('video_id'), 'video_id', '0x10', 'video_id: must be a positive integer id (got "0x10")'],
    ['id with an exponent', (p: Params) => p.id('video_id'), 'video_id', '1e3', 'video_id: must be a positive integer id (got "1e3")'],
    ['id with spaces', (p: Params) => p.id('video_id'), 'video_id', ' 12', 'video_id: must be a positive integer id (got " 12")'],
    ['id with a plus sign', (p: Params) => p.id('video_id'), 'video_id', '+12', 'video_id: must be a positive integer id (got "+12")'],
    ['id with a leading zero', (p: Params) => p.id('video_id'), 'video_id', '012', 'video_id: must be a positive integer id, without leading zeros (got "012")'],
    ['id with a leading zero and a zero fraction', (p: Params) => p.id('video_id'), 'video_id', '012.0', 'video_id: must be a positive integer id, without leading zeros (got "012.0")'],
    ['id in full-width digits', (p: Params) => p.id('video_id'), 'video_id', '１２', 'video_id: must be a positive integer id (got "１２")'],
    ['optionalId 00 with zero allowed', (p: Params) => p.optionalId('to_user_id', { allowZero: true }), 'to_user_id', '00', 'to_user_id: must be a positive integer id or 0, without leading zeros (got "00")'],
    ['optionalId -0 with zero allowed', (p: Params) => p.optionalId('to_user_id', { allowZero: true }), 'to_user_id', '-0', 'to_user_id: must be a positive integer id or 0 (got "-0")'],
    ['optionalId zero where not allowed', (p: Params) => p.optionalId('comment_id'), 'comment_id', '0', 'comment_id: must be a positive integer id (got "0")'],
    ['optionalId negative with zero allowed', (p: Params) => p.optionalId('to_user_id', { allowZero: true }), 'to_user_id', '-1', 'to_user_id: must be a positive integer id or 0 (got "-1")'],
    ['optionalId garbage', (p: Params) => p.optionalId('comment_id'), 'comment_id', 'x', 'comment_id: must be a positive integer id (got "x")'],
    ['oneOf absent', (p: Params) => p.oneOf('action_type', [1, 2]), 'action_type', undefined, 'action_type: is required: 1 or 2'],
    ['oneOf outside', (p: Params) => p.oneOf('action_type', [1, 2]), 'action_type', '3', 'action_type: must be 1 or 2 (got "3")'],
    ['oneOf of one', (p: Params): number => p.oneOf('action_type', [1]), 'action_type', '2', 'action_type: must be 1 (got "2")'],
    ['oneOf of three', (p: Params) => p.oneOf('kind', [1, 2, 3]), 'kind', '0', 'kind: must be one of 1, 2, 3 (got "0")'],
    ['oneOf fraction', (p: Params) => p.oneOf('action_type', [1, 2]), 'action_type', '1.5', 'action_type: must be 1 or 2 (got "1.5")'],
    ['time negative', (p: Params) => p.time('latest_time'), 'latest_time', '-1', 'latest_time: must be a time since 1970 in seconds or milliseconds, a non-negative integer (got "-1")'],
    ['time not a number', (p: Params) => p.time('pre_msg_time'), 'pre_msg_time', 'yesterday', 'pre_msg_time: must be a time since 1970 in seconds or milliseconds, a non-negative integer (got "yesterday")'],
    ['time with a fraction', (p: Params) => p.time('latest_time'), 'latest_time', '1700000000.5', 'latest_time: must be a time since 1970 in seconds or milliseconds, a non-negative integer (got "1700000000.5")'],
  ] as const)('%s', (_what, read, field, value, message) => {
    const e = failure(() => read(one(field, value)));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.details).toEqual({ field });
    expect(e.message).toBe(message);
  });

  it('cuts a long value it echoes', () => {
    const e = failure(() => one('user_id', 'x'.repeat(500)).id('user_id'));
    expect(e.message).toBe(`user_id: must be a positive integer id (got "${'x'.repeat(40)}…")`);
  });
});

describe('Params sources', () => {
  it('takes the body over the query, the first of repeated values, and reports absence', () => {
    const p = new Params({ a: 'q', b: ['1', '2'], c: 'q' }, { a: 'body', c: '' });
    expect(p.get('a')).toBe('body');
    expect(p.get('b')).toBe('1');
    expect(p.get('c')).toBe('');
    expect(p.get('d')).toBeUndefined();
  });
});
