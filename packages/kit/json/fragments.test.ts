import { describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { createJsonFragments } from './index.js';

const Item = Type.Object({ id: Type.Integer(), name: Type.String(), tags: Type.Array(Type.String()) });
interface Row {
  id: number;
  title: string;
  tags: string[];
  secret?: string;
}

function fragmentsCounting() {
  let views = 0;
  const fragments = createJsonFragments(Item, (r: Row) => {
    views++;
    return { id: r.id, name: r.title, tags: r.tags, secret: r.secret };
  });
  return { fragments, views: () => views };
}

describe('json fragments', () => {
  it('serializes the view under the schema: the same text as JSON.stringify of its fields, unknown fields left out', () => {
    const { fragments } = fragmentsCounting();
    const rows: Row[] = [
      { id: 1, title: 'plain', tags: [] },
      { id: 2, title: '手机 "quoted" \\ back\nslash\u0001 😀', tags: ['a', '耳机'], secret: 'never sent' },
      { id: 3, title: '\u2028\u2029 </script>', tags: ['x"y'] },
    ];
    for (const r of rows) {
      const text = fragments.of(r).toString('utf8');
      expect(JSON.parse(text)).toEqual({ id: r.id, name: r.title, tags: r.tags });
      expect(text).not.toContain('never sent');
    }
    expect(JSON.parse(fragments.array(rows).toString('utf8'))).toEqual(rows.map((r) => ({ id: r.id, name: r.title, tags: r.tags })));
    expect(fragments.array([]).toString('utf8')).toBe('[]');
    expect(fragments.array([rows[0]!], Buffer.from('{"items":'), Buffer.from(',"end":true}')).toString('utf8')).toBe('{"items":[{"id":1,"name":"plain","tags":[]}],"end":true}');
    expect(fragments.array([], Buffer.from('{"items":'), Buffer.from('}')).toString('utf8')).toBe('{"items":[]}');
  });

  it('remembers the bytes per object: a second call on the same object neither views nor serializes it again', () => {
    const { fragments, views } = fragmentsCounting();
    const row: Row = { id: 7, title: 'seven', tags: [] };
    const first = fragments.of(row);
    expect(fragments.of(row)).toBe(first);
    fragments.array([row, row, row]);
    expect(views()).toBe(1);
  });

  it('serializes a new object afresh, even with a known id: a changed row is a new object', () => {
    const { fragments, views } = fragmentsCounting();
    expect(fragments.of({ id: 7, title: 'before', tags: [] }).toString()).toContain('before');
    expect(fragments.of({ id: 7, title: 'after', tags: [] }).toString()).toContain('after');
    expect(views()).toBe(2);
  });

  it('refuses a value its schema cannot express, as a response schema would', () => {
    const { fragments } = fragmentsCounting();
    expect(() => fragments.of({ id: 'x' as unknown as number, title: 't', tags: [] })).toThrow();
  });
});
