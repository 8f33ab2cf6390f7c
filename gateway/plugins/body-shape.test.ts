import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { BODY_LIMITS, checkFormFields, checkJsonShape, jsonShape } from './body-shape.js';

const { maxDepth, maxFields } = BODY_LIMITS;
const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
const items = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('JSON body shape (one linear scan, before JSON.parse)', () => {
  it.each([
    ['a scalar', '42', 0, 0],
    ['a string', '"a,b,{c}"', 0, 0],
    ['an empty object', '{}', 1, 0],
    ['an empty object with spaces', '{ \n }', 1, 0],
    ['an empty array', '[]', 1, 0],
    ['one key', '{"a":1}', 1, 1],
    ['two keys', '{"a":1,"b":"x"}', 1, 2],
    ['commas, colons and brackets inside strings do not count', '{"a,b":"[{,}]","c":"\\",{"}', 1, 2],
    ['escaped backslashes before a closing quote', '{"a":"\\\\","b":1}', 1, 2],
    ['an array of objects', '[{"a":1},{"b":2,"c":3}]', 2, 5],
    ['a nested empty array counts as an item', '[[],[]]', 2, 2],
    ['a first item that is a string', '["x"]', 1, 1],
    ['a first item that is an object', '[{}]', 2, 1],
    ['UTF-8 text and emoji', '{"名前":"太郎 👍","b":[1]}', 2, 3],
    ['3 levels', '{"a":{"b":{"c":1}}}', 3, 3],
  ])('%s: depth %s, %s fields', (_name, text, depth, fields) => {
    expect(jsonShape(text)).toEqual({ depth, fields });
  });

  it.each([
    [`${maxFields} keys`, keys(maxFields)],
    [`${maxFields} array items`, items(maxFields)],
    [`${maxDepth} levels`, nested(maxDepth)],
    ['a long string value', `{"a":"${'x,'.repeat(100_000)}"}`],
    // Malformed JSON is JSON.parse's to refuse, with its own message: the scan never throws on it.
    ['unbalanced brackets', '{"a":[1,2}'],
    ['an unterminated string', '{"a":"xyz'],
    ['more closing than opening', ']]]]{}'],
  ])('accepts %s', (_name, text) => {
    expect(() => checkJsonShape(text)).not.toThrow();
  });

  it.each([
    [`${maxFields + 1} keys`, keys(maxFields + 1), `body: has more than the limit of ${maxFields} fields (object keys and array items)`],
    [`${maxFields + 1} array items`, items(maxFields + 1), `body: has more than the limit of ${maxFields} fields (object keys and array items)`],
    ['80,000 keys (the review found these cost 0.45 s to parse)', keys(80_000), `more than the limit of ${maxFields} fields`],
    ['fields counted over the whole body', `[${Array.from({ length: 101 }, () => items(9)).join(',')}]`, `more than the limit of ${maxFields} fields`],
    [`${maxDepth + 1} levels`, nested(maxDepth + 1), `body: nests deeper than the limit of ${maxDepth} levels`],
    [`${maxDepth + 1} levels of objects`, '{"a":'.repeat(maxDepth + 1) + '1' + '}'.repeat(maxDepth + 1), `body: nests deeper than the limit of ${maxDepth} levels`],
    ['500,000 levels', nested(500_000), `nests deeper than the limit of ${maxDepth} levels`],
  ])('refuses %s with PayloadTooLarge naming the limit', (_name, text, message) => {
    const err = catchError(() => checkJsonShape(text));
    expect(err).toBeInstanceOf(SurgeError);
    expect(err.code).toBe(Code.PayloadTooLarge);
    expect(err.message).toContain(message);
    expect(err.details).toMatchObject({ field: 'body' });
  });
});

describe('url-encoded body fields', () => {
  const form = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=${i}`).join('&');
  it.each([
    ['empty', ''],
    ['one field', 'a=1'],
    [`${maxFields} fields`, form(maxFields)],
    [`${maxFields} fields and a trailing '&'`, `${form(maxFields)}&`],
  ])('accepts %s', (_name, text) => expect(() => checkFormFields(text)).not.toThrow());

  it.each([
    [`${maxFields + 1} fields`, form(maxFields + 1)],
    [`${maxFields + 1} fields of one repeated name`, Array.from({ length: maxFields + 1 }, () => 'a=1').join('&')],
  ])('refuses %s with PayloadTooLarge naming the limit (querystring would drop the rest silently)', (_name, text) => {
    const err = catchError(() => checkFormFields(text));
    expect(err.code).toBe(Code.PayloadTooLarge);
    expect(err.message).toBe(`body: has more than the limit of ${maxFields} fields`);
  });
});

function catchError(fn: () => void): SurgeError {
  try {
    fn();
  } catch (err) {
    return err as SurgeError;
  }
  throw new Error('expected a refusal');
}
