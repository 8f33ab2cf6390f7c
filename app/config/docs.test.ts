import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadConfig } from './index.js';

// docs/configuration.md lists every key with its default; this keeps the two in step.
it('docs/configuration.md lists every configuration key, and no other', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([\w.]+)` \|/gm)].map((m) => m[1]!).sort();
  const keys: string[] = [];
  const walk = (o: object, path: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, [...path, k]);
      else keys.push([...path, k].join('.'));
    }
  };
  walk(loadConfig({ env: {} }), []);
  expect(documented).toEqual(keys.sort());
});
