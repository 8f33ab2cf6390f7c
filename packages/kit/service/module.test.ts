// Module values are checked when they are made and when a list is assembled, never on a first
// call: names come from contracts, a module never calls itself, every call is answered by a
// module of the list, and each client is made once under the callee's registry name.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { bytesCodec } from '#kit/queue';
import type { ServiceDefinition } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { checkModules, connectClients, defineServiceModule, serviceNameOf } from './index.js';

/** A contract under another package, with Echo's one method. */
const contract = (fullName: string): ServiceDefinition => ({ name: fullName.split('.').pop()!, fullName, methods: { echo: EchoServiceDefinition.methods.echo } });
const handlers = () => ({ echo: async () => ({ message: '', number: 0, remainingMs: -1 }) });
const invalid = (field: string) => ({ code: Code.InvalidArgument, details: { field } });

describe('serviceNameOf', () => {
  it.each([
    ['surge.video.v1.VideoService', 'video'],
    ['surge.order.v2beta1.OrderService', 'order'],
    ['shop.cart.CartService', 'cart'],
  ])('names %s "%s"', (fullName, name) => expect(serviceNameOf(contract(fullName))).toBe(name));

  it('refuses a contract without a package', () => {
    expect(() => serviceNameOf(contract('v1.EchoService'))).toThrow(expect.objectContaining(invalid('definition.fullName')));
  });
});

describe('defineServiceModule', () => {
  it('takes its name from the contract and freezes what it declares', () => {
    const said = { name: 'echo.said', codec: bytesCodec };
    const m = defineServiceModule({ definition: EchoServiceDefinition, migrations: {}, handlers, publishes: [said] });
    expect(m.name).toBe('echo');
    expect(m.publishes).toEqual(['echo.said']);
    expect(m.calls).toEqual({});
    expect(m.consumes).toEqual([]);
    expect(Object.isFrozen(m) && Object.isFrozen(m.publishes)).toBe(true);
  });

  it('refuses a module that calls its own contract', () => {
    expect(() => defineServiceModule({ definition: EchoServiceDefinition, migrations: {}, calls: { self: EchoServiceDefinition }, handlers })).toThrow(
      expect.objectContaining(invalid('echo.calls.self')),
    );
  });
});

describe('checkModules', () => {
  const a = defineServiceModule({ definition: contract('test.a.v1.AService'), migrations: {}, calls: { b: contract('test.b.v1.BService') }, handlers });
  const b = defineServiceModule({ definition: contract('test.b.v1.BService'), migrations: {}, handlers });

  it('accepts a list where every call is answered', () => {
    expect(checkModules([a, b]).map((m) => m.name)).toEqual(['a', 'b']);
  });

  it('refuses a call nobody in the list serves, and two modules of one name', () => {
    expect(() => checkModules([a])).toThrow(expect.objectContaining(invalid('a.calls.b')));
    expect(() => checkModules([b, b])).toThrow(expect.objectContaining(invalid('modules')));
  });

  it('refuses a topic published by two modules', () => {
    const said = { name: 'test.said', codec: bytesCodec };
    const c = defineServiceModule({ definition: contract('test.c.v1.CService'), migrations: {}, publishes: [said], handlers });
    const d = defineServiceModule({ definition: contract('test.d.v1.DService'), migrations: {}, publishes: [said], handlers });
    expect(checkModules([a, b, c]).map((m) => m.name)).toEqual(['a', 'b', 'c']);
    expect(() => checkModules([c, d])).toThrow(expect.objectContaining(invalid('d.publishes')));
  });
});

describe('connectClients', () => {
  it('makes one client per declared call, under the callee registry name', async () => {
    const made: string[] = [];
    const clients = await connectClients({ videos: contract('surge.video.v1.VideoService'), users: contract('surge.user.v1.UserService') }, (definition, service) => {
      made.push(`${service}:${definition.fullName}`);
      return { echo: async () => ({ message: service, number: 0, remainingMs: -1 }) } as never;
    });
    expect(made.sort()).toEqual(['user:surge.user.v1.UserService', 'video:surge.video.v1.VideoService']);
    expect(Object.keys(clients).sort()).toEqual(['users', 'videos']);
  });
});
