import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadModules } from '../modules.js';

const serviceModules = await loadModules();

// docs/deploy.md's table of processes says, in words, what each service uses (which the module
// cannot know); the rows and their events must still match the module list.
const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const topicName = (topic: string | { readonly name: string }) => (typeof topic === 'string' ? topic : topic.name);

it("docs/deploy.md's process table has a row for each module of the list, naming the events it publishes and consumes", () => {
  const rows = [...doc.matchAll(/^\| (\w+) \| `surge serve (\w+)` \|.*\| ([^|]*) \|$/gm)].map((m) => ({ name: m[1]!, served: m[2]!, events: m[3]! }));
  expect(rows.map((r) => r.name)).toEqual(serviceModules.map((m) => m.name));
  for (const m of serviceModules) {
    const { served, events } = rows.find((r) => r.name === m.name)!;
    expect(served).toBe(m.name);
    // "publishes `a`, `b`; consumes `c` (group `x`)"
    const listed = (verb: string) => [...(events.match(new RegExp(`${verb} ([^;]*)`))?.[1] ?? '').matchAll(/`([\w.-]+)`/g)].map((t) => t[1]!).filter((t) => t !== m.name);
    expect({ service: m.name, publishes: listed('publishes'), consumes: listed('consumes') }).toEqual({ service: m.name, publishes: m.publishes.map(topicName), consumes: m.consumes.map(topicName) });
  }
});
