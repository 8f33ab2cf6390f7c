import { expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import type { Client, ServiceDefinition } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { VideoServiceDefinition } from '#gen/surge/video/v1/video';
import { connectFaces, defineFace, selectFaces, servicesOf, type Face } from './face.js';
import { gatewayFaces } from './faces.js';

const face = (name: string, prefix: string, calls: Record<string, ServiceDefinition> = {}): Face => defineFace({ name, prefix, calls, mount: async () => undefined });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SurgeError);
    expect((err as SurgeError).code).toBe(Code.InvalidArgument);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

it('the gateway serves the users, Douyin, mall, chat and community faces, each under its own prefix', () => {
  expect(gatewayFaces.map((f) => [f.name, f.prefix])).toEqual([['users', '/api/v1/users'], ['douyin', '/douyin'], ['mall', '/api/v1/mall'], ['chat', '/api/v1/chat'], ['community', '/api/v1/community']]);
  expect([...servicesOf(selectFaces(gatewayFaces, ['users'])).keys()]).toEqual(['user']);
  expect([...servicesOf(selectFaces(gatewayFaces, ['mall'])).keys()].sort()).toEqual(['cart', 'order', 'pay', 'product', 'reply', 'seckill', 'user']);
  expect([...servicesOf(selectFaces(gatewayFaces, ['chat'])).keys()].sort()).toEqual(['chat', 'user']);
  expect([...servicesOf(selectFaces(gatewayFaces, ['community'])).keys()].sort()).toEqual(['article', 'feed', 'interaction', 'member', 'notification', 'qa', 'relation', 'user']);
  expect([...servicesOf(gatewayFaces).keys()].sort()).toEqual(['article', 'cart', 'chat', 'feed', 'interaction', 'member', 'message', 'notification', 'order', 'pay', 'product', 'qa', 'relation', 'reply', 'seckill', 'user', 'video']);
});

it('selects every face for an empty list, else those named in the list order; refuses unknown and repeated names', () => {
  const a = face('a', '/a');
  const b = face('b', '/b');
  expect(selectFaces([a, b], [])).toEqual([a, b]);
  expect(selectFaces([a, b], ['b', 'a'])).toEqual([a, b]);
  expect(selectFaces([a, b], ['b'])).toEqual([b]);
  expect(refusal(() => selectFaces([a, b], ['c']))).toMatch(/no face is named "c" \(there are: a, b\)/);
  expect(refusal(() => selectFaces([a, b], ['a', 'a']))).toMatch(/"a" is named twice/);
});

it('refuses two faces under one prefix or one inside the other, and badly written names and prefixes', () => {
  expect(refusal(() => selectFaces([face('a', '/api'), face('b', '/api/v1')], []))).toMatch(/b \(\/api\/v1\) is under a's prefix/);
  expect(refusal(() => selectFaces([face('a', '/x'), face('b', '/x')], []))).toMatch(/under a's prefix \/x/);
  expect(selectFaces([face('a', '/api'), face('b', '/apiary')], [])).toHaveLength(2);
  expect(refusal(() => face('Mall', '/mall'))).toMatch(/lower-case/);
  expect(refusal(() => face('mall', '/mall/'))).toMatch(/no trailing slash/);
  expect(refusal(() => face('mall', 'mall'))).toMatch(/must be a path/);
});

it('makes one client per service however many faces call it, and only for the services they call', async () => {
  const made: string[] = [];
  const faces = [face('a', '/a', { users: UserServiceDefinition, videos: VideoServiceDefinition }), face('b', '/b', { people: UserServiceDefinition })];
  const connected = await connectFaces(faces, (definition, service) => {
    made.push(service);
    return { service } as unknown as Client<typeof definition>;
  }, { accounts: UserServiceDefinition });
  expect(made.sort()).toEqual(['user', 'video']);
  expect(connected.faces[0]!.clients.users).toBe(connected.faces[1]!.clients.people);
  expect(connected.own.accounts).toBe(connected.faces[0]!.clients.users);
  expect(connected.faces[0]!.clients.videos).toEqual({ service: 'video' });
  expect(await connectFaces([face('c', '/c')], () => { throw new Error('no service to make'); }, {})).toEqual({ faces: [{ face: expect.objectContaining({ name: 'c' }), clients: {} }], own: {} });
  // The gateway's own calls are made when no face calls them.
  const alone: string[] = [];
  await connectFaces([face('c', '/c')], (definition, service) => {
    alone.push(service);
    return { service } as unknown as Client<typeof definition>;
  }, { users: UserServiceDefinition });
  expect(alone).toEqual(['user']);
});

it('refuses two definitions under one service name', () => {
  const otherEcho = { ...EchoServiceDefinition, fullName: 'surge.user.v2.EchoService' } as ServiceDefinition;
  expect(refusal(() => servicesOf([face('a', '/a', { users: UserServiceDefinition }), face('b', '/b', { echo: otherEcho })]))).toMatch(/both named "user"/);
});
