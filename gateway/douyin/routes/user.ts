// Sign-up, sign-in and profiles. The user service checks credentials; the gateway mints the
// token (valid for auth.tokenTtlSeconds; signing in again does not revoke other devices' tokens).
import type { FastifyRequest } from 'fastify';
import { accountLimitKey, callOptions, signInCallOptions } from '../../routes/users.js';
import { take } from '../../plugins/limits.js';
import type { DouyinDeps, DouyinRoute } from '../deps.js';
import { viewer, type Params } from '../http/index.js';
import { packUsers } from '../views.js';
import { noSuch, viewContext } from './context.js';

export function userRoutes(d: DouyinDeps): DouyinRoute[] {
  const { users } = d.clients;
  const empty = { user_id: 0, token: '' };

  const credentials = async (p: Params, request: FastifyRequest, what: 'register' | 'login') => {
    const username = p.string('username');
    const password = p.string('password');
    await take(d.limits.loginPerIp, `${what}:${request.ip}`, `${what === 'register' ? 'sign-ups' : 'sign-in attempts'} from this address`);
    if (what === 'login') await take(d.limits.loginPerAccount, accountLimitKey(username), 'sign-in attempts for this account');
    return { username, password };
  };

  return [
    {
      url: '/douyin/user/register/',
      empty,
      async handler(p, request) {
        const { userId } = await users.register(await credentials(p, request, 'register'), callOptions(request));
        return { user_id: userId, token: d.tokens.sign({ sub: userId }) };
      },
    },
    {
      url: '/douyin/user/login/',
      empty,
      async handler(p, request) {
        const { userId } = await users.login(await credentials(p, request, 'login'), signInCallOptions(request));
        return { user_id: userId, token: d.tokens.sign({ sub: userId }) };
      },
    },
    {
      url: '/douyin/user/',
      empty: { user: null },
      async handler(p, request) {
        const me = await viewer(p, d.callers, { required: true });
        const id = p.optionalId('user_id') ?? me;
        const v = viewContext(d, request, me);
        const found = await packUsers(d.clients, v, [id], { keepMissing: false });
        const user = found.get(id);
        if (!user) throw noSuch('user_id', 'user');
        return { user };
      },
    },
  ];
}
