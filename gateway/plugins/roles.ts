// Routes for callers in a role (the mall's admins): `requireRole(role, rolesOf)` is a preHandler
// that goes after app.authenticate and lets through only a caller whose roles include `role`:
//
//   app.post('/products', {
//     preHandler: [app.authenticate, requireRole('admin', (id, r) => d.users.getRoles({ userId: id }, callOptions(r)).then((x) => x.roles))],
//     handler,
//   });
//
// No token is 401 from authenticate, as on every signed-in route; a signed-in caller without the
// role is 403 PermissionDenied in the API's error shape. The roles are asked for on every request,
// never cached here: admin routes are rare, and a role granted or revoked (surge admin) must count
// for the next request. A failure to learn the roles fails the request (503 from the user
// service's Unavailable): the check fails closed.
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Code, SurgeError, errors } from '#kit/errors';

/** The caller's roles; the request is there for the call's deadline, request id and trace. */
export type RolesOf = (userId: number, request: FastifyRequest) => Promise<readonly string[]>;

/** A role name as the user service spells them: lower-case letters, digits, '_' or '-'. */
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** A preHandler letting through only callers in `role`; place it after app.authenticate. */
export function requireRole(role: string, rolesOf: RolesOf): preHandlerAsyncHookHandler {
  // Refused when the route is made, not on its first request.
  if (!ROLE_NAME.test(role)) throw errors.invalid('role', 'must be a role name such as "admin" (lower-case letters, digits, _ or -, at most 32)');
  if (typeof rolesOf !== 'function') throw errors.invalid('rolesOf', 'must be a function from a user id to that user\'s roles');
  return async function checkRole(request: FastifyRequest): Promise<void> {
    // 0 is the undecorated value: authenticate did not run before this check. Nobody passes then.
    if (!(request.userId > 0)) throw errors.unauthenticated();
    const roles = await rolesOf(request.userId, request);
    if (!roles.includes(role)) throw new SurgeError(Code.PermissionDenied, `this needs the ${role} role, which your account does not have`);
  };
}
