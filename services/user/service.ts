// Wires the user service: models over the service's own database and cache, then one
// handler per RPC method, each a use case in logic/.
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import type { CodeSender } from './code-sender.js';
import type { UserDeps } from './deps.js';
import { getRoles } from './logic/get-roles.js';
import { getUser } from './logic/get-user.js';
import { getUsers } from './logic/get-users.js';
import { login } from './logic/login.js';
import { loginByMobile } from './logic/login-by-mobile.js';
import { register } from './logic/register.js';
import { sendCode } from './logic/send-code.js';
import { setRole } from './logic/set-role.js';
import { updateProfile } from './logic/update-profile.js';
import { createCodeModel } from './model/codes.js';
import { createRoleModel } from './model/roles.js';
import type { UserDB } from './model/tables.js';
import { createUserModel } from './model/users.js';

/** Call metadata naming the client's address; the gateway sets it on sign-in calls (request.ip, which honours http.trustProxy). */
export const CLIENT_ADDRESS_METADATA = 'x-client-address';

export interface UserServiceOptions extends Omit<UserDeps, 'users' | 'codes' | 'roles' | 'clock'> {
  db: ServiceDatabase<UserDB>;
  cache: Cache;
  clock: Clock;
  codeSender: CodeSender;
}

export type UserService = ServiceImpl<typeof UserServiceDefinition>;

export function defineUserService(o: UserServiceOptions): UserService {
  const d: UserDeps = { ...o, users: createUserModel(o.db, o.cache), codes: createCodeModel(o.db), roles: createRoleModel(o.db) };
  return {
    register: (req) => register(d, req),
    // Callers without the address (other services) are held by the per-account back-off only.
    login: (req, ctx) => login(d, req, ctx.metadata[CLIENT_ADDRESS_METADATA] || undefined),
    sendCode: (req) => sendCode(d, req),
    loginByMobile: (req) => loginByMobile(d, req),
    getUser: (req) => getUser(d, req),
    getUsers: (req) => getUsers(d, req),
    updateProfile: (req) => updateProfile(d, req),
    getRoles: (req) => getRoles(d, req),
    setRole: (req) => setRole(d, req),
  };
}
