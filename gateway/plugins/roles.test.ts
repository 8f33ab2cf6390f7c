import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallers, createTokens } from '#kit/auth';
import { Code, errors } from '#kit/errors';
import { refusalOf } from '#kit/testing';
import { installAuth } from './auth.js';
import { installErrorHandling } from './errors.js';
import { requireRole, type RolesOf } from './roles.js';

const tokens = createTokens({ secret: 's'.repeat(48) });
const ADMIN = 7;
const SHOPPER = 8;
let app: FastifyInstance | undefined;
afterEach(() => app?.close());

/** A gateway with one admin-only route and one that forgot authenticate; `roles` is the user service's answer, asked on every request. */
async function gateway(roles: Map<number, string[]>, asked: number[] = []): Promise<FastifyInstance> {
  app = Fastify();
  installErrorHandling(app);
  installAuth(app, createCallers({ tokens, trustMs: 0, exists: async () => true }));
  const rolesOf: RolesOf = async (userId) => {
    asked.push(userId);
    const held = roles.get(userId);
    if (held === undefined) throw errors.unavailable('user service');
    return held;
  };
  app.post('/products', { preHandler: [app.authenticate, requireRole('admin', rolesOf)] }, async (request) => ({ createdBy: request.userId }));
  app.post('/unguarded', { preHandler: requireRole('admin', rolesOf) }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

const bearer = (sub: number) => ({ authorization: `Bearer ${tokens.sign({ sub })}` });

describe('requireRole', () => {
  it('401 without a token (as every signed-in route), 403 in the API shape without the role, 200 with it', async () => {
    const asked: number[] = [];
    const a = await gateway(new Map([[ADMIN, ['admin']], [SHOPPER, []]]), asked);

    const anonymous = await a.inject({ method: 'POST', url: '/products' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: Code.Unauthenticated });

    const shopper = await a.inject({ method: 'POST', url: '/products', headers: bearer(SHOPPER) });
    expect(shopper.statusCode).toBe(403);
    expect(shopper.json()).toEqual({ code: Code.PermissionDenied, message: 'this needs the admin role, which your account does not have' });

    const admin = await a.inject({ method: 'POST', url: '/products', headers: bearer(ADMIN) });
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toEqual({ createdBy: ADMIN });
    // No token, no question to the user service.
    expect(asked).toEqual([SHOPPER, ADMIN]);
  });

  it('asks on every request: a role granted or revoked counts for the next one', async () => {
    const roles = new Map<number, string[]>([[SHOPPER, []]]);
    const a = await gateway(roles);
    const post = async () => (await a.inject({ method: 'POST', url: '/products', headers: bearer(SHOPPER) })).statusCode;
    expect(await post()).toBe(403);
    roles.set(SHOPPER, ['admin']);
    expect(await post()).toBe(200);
    roles.set(SHOPPER, []);
    expect(await post()).toBe(403);
  });

  it('fails closed: roles that cannot be read fail the request (503), and a route without authenticate lets nobody in', async () => {
    const a = await gateway(new Map([[ADMIN, ['admin']]]));
    const unknown = await a.inject({ method: 'POST', url: '/products', headers: bearer(99) });
    expect(unknown.statusCode).toBe(503);
    expect(unknown.json()).toMatchObject({ code: Code.Unavailable });
    const forgot = await a.inject({ method: 'POST', url: '/unguarded', headers: bearer(ADMIN) });
    expect(forgot.statusCode).toBe(401);
  });

  it('refuses a malformed role name or a missing rolesOf when the route is made', () => {
    const rolesOf: RolesOf = async () => [];
    for (const role of ['', 'Admin', 'ad min', 'x'.repeat(33)]) {
      expect(refusalOf(() => requireRole(role, rolesOf), Code.InvalidArgument).details).toEqual({ field: 'role' });
    }
    expect(refusalOf(() => requireRole('admin', undefined as unknown as RolesOf), Code.InvalidArgument).details).toEqual({ field: 'rolesOf' });
    expect(requireRole('admin', rolesOf)).toBeTypeOf('function');
  });
});
