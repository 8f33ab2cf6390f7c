import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ConfigSchema } from './schema.js';

// docs/configuration.md is written by hand (its meanings say more than the schema's comments:
// units, ranges, what to set behind a proxy); this keeps its table and the schema in step, both
// ways: every key of the schema has one row, every row names a key, and each row's default is
// the schema's. Walking the schema, not a loaded configuration, also catches a key whose
// default is absent or an empty object.
const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([\w.]+)` \| ([^|]*) \|/gm)].map((m) => ({ key: m[1]!, shown: m[2]!.trim() }));

/** Every leaf of the schema (a value that is not a section of keys), by dotted path, with its default. */
function schemaKeys(): Map<string, unknown> {
  const keys = new Map<string, unknown>();
  const walk = (schema: { type?: unknown; properties?: Record<string, object>; default?: unknown }, path: string[]) => {
    if (schema.type === 'object' && schema.properties) for (const [name, child] of Object.entries(schema.properties)) walk(child, [...path, name]);
    else keys.set(path.join('.'), schema.default);
  };
  walk(ConfigSchema, []);
  return keys;
}

it('docs/configuration.md has one row for every configuration key, and no other', () => {
  const keys = [...schemaKeys().keys()].sort();
  expect(rows.map((r) => r.key).sort()).toEqual(keys);
});

it("docs/configuration.md gives each key the schema's default", () => {
  const defaults = schemaKeys();
  // The doc writes an empty string as `''` or "empty", and a list as JSON.
  const read = (shown: string) => (shown === 'empty' || shown === "`''`" ? '' : shown.replace(/^`(.*)`$/, '$1'));
  const asShown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const wrong = rows.filter((r) => defaults.has(r.key) && read(r.shown) !== asShown(defaults.get(r.key))).map((r) => `${r.key}: doc ${r.shown}, schema ${asShown(defaults.get(r.key))}`);
  expect(wrong).toEqual([]);
});
