import { Type } from 'typebox';
import { ID_DIGITS, Id, IdParam, WellFormedText } from './common.js';

export const Username = Type.String({ minLength: 1, maxLength: 32, pattern: '^[^\\s\\p{C}]+$', description: 'use 1–32 characters without spaces or control characters' });
/** A new password (registration): the user service's policy, 6–32 characters, not all blank. */
export const Password = Type.String({ minLength: 6, maxLength: 32, pattern: '[^\\s\\p{Cf}]', description: 'must not be only spaces or invisible characters' });
/** A password to sign in with: any a person could have typed is checked (a wrong one is 401, whatever its length); the bound keeps hashing work small. */
export const LoginPassword = Type.String({ minLength: 1, maxLength: 1024 });
/** Digits, spaces, ( ) . - and a leading +; the user service reads it as E.164 (user.defaultRegion for numbers without a country code). */
export const Mobile = Type.String({ minLength: 1, maxLength: 32, pattern: '^\\+?[0-9 ().-]+$', description: 'must be a phone number: digits, optionally with + and its country code' });
export const VerificationCode = Type.String({ minLength: 1, maxLength: 6, pattern: '^[0-9]{6}$', description: 'must be the 6 digits that were sent' });

export const Credentials = Type.Object({ username: Username, password: Password }, { additionalProperties: false });
export const LoginCredentials = Type.Object({ username: Username, password: LoginPassword }, { additionalProperties: false });
export const MobileBody = Type.Object({ mobile: Mobile }, { additionalProperties: false });
export const MobileLogin = Type.Object({ mobile: Mobile, code: VerificationCode }, { additionalProperties: false });

export const ProfilePatch = Type.Object(
  {
    // Name and signature are checked by the user service's text rule (#kit/rules), which names
    // the field: one rule, counted in code points (a UTF-16 maxLength here refused 20 emoji).
    name: Type.Optional(WellFormedText('one line of 1–32 characters')),
    avatar: Type.Optional(Type.String({ maxLength: 512, pattern: '^(https?://\\S+)?$', description: 'must be an http(s) URL, or empty' })),
    signature: Type.Optional(WellFormedText('up to 256 characters, lines allowed; empty clears it')),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const AuthReply = Type.Object({ id: Id, token: Type.String() });

export const UserReply = Type.Object({
  id: Id,
  username: Type.String({ description: 'Empty for accounts created by mobile sign-in' }),
  name: Type.String(),
  avatar: Type.String(),
  signature: Type.String(),
  createdAt: Type.Integer({ description: 'ms since the epoch' }),
});

export const UsersReply = Type.Object({ users: Type.Array(UserReply) });

export const IdParams = Type.Object({ id: IdParam }, { additionalProperties: false });

export const IdsQuery = Type.Object(
  { ids: Type.String({ minLength: 1, maxLength: 2000, pattern: `^${ID_DIGITS}(,${ID_DIGITS})*$`, description: 'must be comma-separated ids in decimal digits without leading zeros, e.g. 1,2,3' }) },
  { additionalProperties: false },
);
