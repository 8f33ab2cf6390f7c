// /api/v1/users: sign-up, sign-in and profiles. Credentials are checked by the user service;
// the gateway mints the token, so no service needs the signing secret.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { usernameKey, type AccountKeys } from '#kit/auth';
import { createTurnLoader } from '#kit/bulk';
import { errors } from '#kit/errors';
import type { CallOptions, Client } from '#kit/rpc';
import type { User, UserServiceDefinition } from '#gen/surge/user/v1/user';
import { limitBy, type Limiter } from '../plugins/limits.js';
import { errorReplies } from '../schemas/common.js';
import { AuthReply, Credentials, IdParams, LoginCredentials, IdsQuery, MobileBody, MobileLogin, ProfilePatch, UserReply, UsersReply } from '../schemas/users.js';

export interface UserRoutesDeps {
  users: Client<typeof UserServiceDefinition>;
  tokens: { sign(claims: { sub: number }): string };
  limits: { loginPerIp: Limiter; loginPerAccount: Limiter; codePerIp: Limiter; codePerMobile: Limiter };
  /**
   * How mobiles are read (#kit/auth, on user.defaultRegion, as the user service reads them), so the
   * per-mobile limits count one number once however it is typed.
   */
  accountKeys: Pick<AccountKeys, 'checkMobile'>;
  maxBatch: number;
}

/** The RPC call options for a request: its id, trace context and route deadline (plugins/timeouts.ts) travel with every nested call. */
export const callOptions = (request: FastifyRequest): CallOptions => ({ parent: request.callParent, metadata: { 'x-request-id': String(request.id), ...request.traceMetadata() } });

/**
 * Sign-in calls also name the client's address (request.ip: the proxy's client with
 * http.trustProxy), for the user service's back-off on wrong passwords per address
 * (x-client-address is the service's CLIENT_ADDRESS_METADATA).
 */
export const signInCallOptions = (request: FastifyRequest): CallOptions => ({ parent: request.callParent, metadata: { 'x-request-id': String(request.id), ...request.traceMetadata(), 'x-client-address': request.ip } });

/** The per-account limit's key of a username: its comparison key, so "Alice" and "ALICE" share one allowance. */
export const accountLimitKey = (username: string): string => `u:${usernameKey(username)}`;

/** Profiles one GetUsers call of the profile reader names. */
const PROFILES_PER_CALL = 100;

export async function userRoutes(fastify: FastifyInstance, d: UserRoutesDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // One profile per request (/me, /:id), read with every other profile asked this turn in one
  // GetUsers call (#kit/bulk createTurnLoader). The call serves many requests, so it carries no
  // one request's deadline or trace: it runs under the client's default deadline.
  const profiles = createTurnLoader(async (ids: readonly number[]) => {
    const { users } = await d.users.getUsers({ ids: [...new Set(ids)] });
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id): User | Error => byId.get(id) ?? errors.notFound(`user ${id}`));
  }, { maxBatch: PROFILES_PER_CALL });
  const keys = d.accountKeys;
  /** The body's mobile as E.164 (400 naming mobile when it is none): per-mobile limits count one number once. */
  const mobileKey = (r: FastifyRequest) => `m:${keys.checkMobile((r.body as { mobile: string }).mobile)}`;
  const ip = (r: FastifyRequest) => r.ip;
  const perIp = (what: string, prefix: string) => limitBy(d.limits.loginPerIp, what, (r) => `${prefix}:${ip(r)}`);
  const tags = ['users'];

  app.post('/register', {
    schema: { tags, summary: 'Create an account with a username and password', body: Credentials, response: { 201: AuthReply, ...errorReplies(400, 409, 429) } },
    preHandler: perIp('sign-up attempts from this address', 'register'),
    handler: async (request, reply) => {
      const { userId } = await d.users.register(request.body, callOptions(request));
      return reply.code(201).send({ id: userId, token: d.tokens.sign({ sub: userId }) });
    },
  });

  app.post('/login', {
    schema: { tags, summary: 'Sign in with a username and password', body: LoginCredentials, response: { 200: AuthReply, ...errorReplies(400, 401, 429) } },
    preHandler: [
      perIp('sign-in attempts from this address', 'login'),
      limitBy(d.limits.loginPerAccount, 'sign-in attempts for this account', (r) => accountLimitKey((r.body as { username: string }).username)),
    ],
    handler: async (request) => {
      const { userId } = await d.users.login(request.body, signInCallOptions(request));
      return { id: userId, token: d.tokens.sign({ sub: userId }) };
    },
  });

  app.post('/code', {
    schema: { tags, summary: 'Send a sign-in code to a mobile number', body: MobileBody, response: { 204: { type: 'null' }, ...errorReplies(400, 429) } },
    preHandler: [
      limitBy(d.limits.codePerIp, 'code requests from this address', (r) => `code:${ip(r)}`),
      limitBy(d.limits.codePerMobile, 'codes to this mobile', mobileKey),
    ],
    handler: async (request, reply) => {
      await d.users.sendCode(request.body, callOptions(request));
      return reply.code(204).send(null);
    },
  });

  app.post('/login/mobile', {
    schema: { tags, summary: 'Sign in (and sign up on first use) with a mobile number and code', body: MobileLogin, response: { 200: AuthReply, ...errorReplies(400, 401, 429) } },
    preHandler: [
      perIp('sign-in attempts from this address', 'login'),
      limitBy(d.limits.loginPerAccount, 'sign-in attempts for this mobile', mobileKey),
    ],
    handler: async (request) => {
      const { userId } = await d.users.loginByMobile(request.body, callOptions(request));
      return { id: userId, token: d.tokens.sign({ sub: userId }) };
    },
  });

  app.get('/me', {
    schema: { tags, summary: 'The signed-in user', security: [{ bearer: [] }], response: { 200: UserReply, ...errorReplies(401, 404) } },
    preHandler: app.authenticate,
    handler: (request) => profiles.load(request.userId),
  });

  app.patch('/me', {
    schema: { tags, summary: 'Change name, avatar or signature', security: [{ bearer: [] }], body: ProfilePatch, response: { 200: UserReply, ...errorReplies(400, 401, 404) } },
    preHandler: app.authenticate,
    handler: (request) => {
      // Each field named: an absent one goes as undefined, as the decoded message has it.
      const { name, avatar, signature } = request.body;
      return d.users.updateProfile({ id: request.userId, name, avatar, signature }, callOptions(request));
    },
  });

  app.get('/:id', {
    schema: { tags, summary: 'A public profile', params: IdParams, response: { 200: UserReply, ...errorReplies(400, 404) } },
    handler: (request) => profiles.load(request.params.id),
  });

  app.get('/', {
    schema: { tags, summary: `Many public profiles in one call (up to ${d.maxBatch})`, querystring: IdsQuery, response: { 200: UsersReply, ...errorReplies(400) } },
    handler: (request) => {
      const ids = request.query.ids.split(',').map(Number);
      if (ids.length > d.maxBatch) throw errors.invalid('ids', `at most ${d.maxBatch} ids per request`);
      if (ids.some((id) => !Number.isSafeInteger(id) || id < 1)) throw errors.invalid('ids', 'each id must be a positive integer below 2^53');
      return d.users.getUsers({ ids }, callOptions(request));
    },
  });
}
