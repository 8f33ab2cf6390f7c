import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { ManualClock } from '#kit/clock';
import { importCycles, importGraph, type Edge } from './import-graph.js';

// The package.json "imports" map must resolve to sources under test and to dist/ at run time.
it('resolves #kit subpath imports to the TypeScript sources', () => {
  expect(Code.NotFound).toBe(40401);
  const c = new ManualClock();
  let fired = 0;
  c.after(10, () => fired++);
  c.advance(9);
  expect(fired).toBe(0);
  c.advance(1);
  expect(fired).toBe(1);
});

// The kit is the toolkit the services and the gateway stand on: it imports none of them, nor the
// composition root, tests included (a kit test that needs the gateway lives in test/).
describe('the kit imports nothing from services/, gateway/ or app/', () => {
  const upward = (graph: Map<string, Edge[]>) =>
    [...graph]
      .filter(([file]) => file.startsWith('packages/kit/'))
      .flatMap(([file, edges]) => edges.filter((e) => /^(services|gateway|app)\//.test(e.to)).map((e) => `${file} → ${e.to}`));

  it('holds for the source tree', () => {
    expect(upward(importGraph())).toEqual([]);
  });

  it('would fail on a kit file importing the gateway, a service or the composition root', () => {
    const graph = new Map<string, Edge[]>([
      ['packages/kit/tracing/fixture.ts', [{ to: 'gateway/plugins/tracing.ts', typeOnly: false, specifier: '../../../gateway/plugins/tracing.js' }]],
      ['packages/kit/cache/cache.ts', [{ to: 'services/user/index.ts', typeOnly: true, specifier: '#services/user' }]],
      ['packages/kit/rpc/index.ts', [{ to: 'app/remote.ts', typeOnly: false, specifier: '../../../app/remote.js' }]],
      ['gateway/server.ts', [{ to: 'packages/kit/rpc/index.ts', typeOnly: false, specifier: '#kit/rpc' }]],
    ]);
    expect(upward(graph)).toHaveLength(3);
  });

  it('resolves the #-imports, so the rule sees through them', () => {
    const edges = importGraph().get('gateway/server.ts') ?? [];
    expect(edges.some((e) => e.specifier.startsWith('#kit/') && e.to.startsWith('packages/kit/'))).toBe(true);
  });
});

// An import loop makes a module see its partner half-initialised, and says two rooms are one.
// Type-only imports count too: a loop of types still ties the two files into one room.
describe('no import cycles in the source tree', () => {
  it('holds for the source tree', () => {
    expect(importCycles(importGraph())).toEqual([]);
  });

  it('would find a loop of two files, of three, and a file importing itself', () => {
    const edge = (to: string): Edge => ({ to, typeOnly: true, specifier: to });
    const graph = new Map<string, Edge[]>([
      ['a.ts', [edge('b.ts')]],
      ['b.ts', [edge('a.ts'), edge('c.ts')]],
      ['c.ts', []],
      ['x.ts', [edge('y.ts')]],
      ['y.ts', [edge('z.ts')]],
      ['z.ts', [edge('x.ts')]],
      ['self.ts', [edge('self.ts')]],
    ]);
    expect(importCycles(graph)).toEqual(expect.arrayContaining([['a.ts', 'b.ts'], ['x.ts', 'y.ts', 'z.ts'], ['self.ts']]));
    expect(importCycles(graph)).toHaveLength(3);
  });
});

// A service reaches another only through its client (declared calls) and its events: the one
// file of another service it may import is that service's events.ts (the typed topics it
// publishes), and an events.ts imports only the kit and the generated messages, so a consumer
// loads no code of the publisher.
describe("services import another service's events.ts only, and events.ts imports only the kit and gen/", () => {
  const serviceOf = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1];
  const offending = (graph: Map<string, Edge[]>) =>
    [...graph].flatMap(([file, edges]) => {
      const own = serviceOf(file);
      if (own === undefined) return [];
      const isEvents = file === `services/${own}/events.ts`;
      return edges
        .filter((e) => {
          const other = serviceOf(e.to);
          if (isEvents) return !/^(packages\/kit|gen)\//.test(e.to);
          return other !== undefined && other !== own && e.to !== `services/${other}/events.ts`;
        })
        .map((e) => `${file} → ${e.to}`);
    });
  it('holds for the source tree', () => {
    expect(offending(importGraph())).toEqual([]);
  });
  it('would fail on a consumer importing another service beyond its events, and on an events.ts importing service code', () => {
    const edge = (to: string): Edge => ({ to, typeOnly: false, specifier: to });
    const graph = new Map<string, Edge[]>([
      ['services/user/consumers.ts', [edge('services/interaction/events.ts'), edge('services/interaction/model/tx.ts')]],
      ['services/video/events.ts', [edge('packages/kit/events/index.ts'), edge('gen/surge/video/v1/events.ts'), edge('services/video/rules.ts')]],
      ['services/index.ts', [edge('services/user/index.ts')]],
    ]);
    expect(offending(graph)).toEqual(['services/user/consumers.ts → services/interaction/model/tx.ts', 'services/video/events.ts → services/video/rules.ts']);
  });
});

// The list of services is read by every process (the configuration schema is made from it), the
// gateway included, so its files stay light: services/index.ts imports entries; an entry.ts
// imports the kit, gen/ and its own config.ts; a config.ts imports the kit only. A module's code
// is reached from an entry through a dynamic import, which loads it only where it is hosted.
describe('the list of services is light: index.ts → entry.ts → config.ts, the kit and gen/ only', () => {
  const allowed = (file: string, e: Edge): boolean | undefined => {
    if (file === 'services/index.ts') return !e.dynamic && (/^services\/[a-z-]+\/entry\.ts$/.test(e.to) || e.to.startsWith('packages/kit/'));
    const m = /^services\/([a-z-]+)\/(entry|config)\.ts$/.exec(file);
    if (!m) return undefined;
    // The one deferred edge: an entry's loader of its own module.
    if (e.dynamic) return m[2] === 'entry' && e.to === `services/${m[1]}/module.ts`;
    if (e.to.startsWith('packages/kit/')) return true;
    return m[2] === 'entry' && (e.to.startsWith('gen/') || e.to === `services/${m[1]}/config.ts`);
  };
  const offending = (graph: Map<string, Edge[]>) => [...graph].flatMap(([file, edges]) => edges.filter((e) => allowed(file, e) === false).map((e) => `${file} → ${e.to}${e.dynamic ? ' (dynamic)' : ''}`));

  it('holds for the source tree', () => {
    const graph = importGraph();
    expect(graph.has('services/user/entry.ts') && graph.has('services/user/config.ts')).toBe(true);
    expect(offending(graph)).toEqual([]);
  });

  it('would fail on an entry importing its module, a config importing service code, and the list importing a module', () => {
    const edge = (to: string): Edge => ({ to, typeOnly: false, specifier: to });
    const lazy = (to: string): Edge => ({ ...edge(to), dynamic: true });
    const graph = new Map<string, Edge[]>([
      ['services/index.ts', [edge('services/user/entry.ts'), edge('services/video/module.ts')]],
      ['services/user/entry.ts', [edge('packages/kit/service/index.ts'), edge('gen/surge/user/v1/user.ts'), edge('services/user/config.ts'), lazy('services/user/module.ts'), edge('services/user/module.ts'), lazy('services/video/module.ts')]],
      ['services/user/config.ts', [edge('packages/kit/service/index.ts'), edge('services/user/rules.ts')]],
    ]);
    expect(offending(graph)).toEqual([
      'services/index.ts → services/video/module.ts',
      'services/user/entry.ts → services/user/module.ts',
      'services/user/entry.ts → services/video/module.ts (dynamic)',
      'services/user/config.ts → services/user/rules.ts',
    ]);
  });
});
