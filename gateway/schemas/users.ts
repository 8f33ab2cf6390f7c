import { Type } from 'typebox';
import { Id } from './common.js';

export const Username = Type.String({ minLength: 1, maxLength: 32, pattern: '^[^\\s\\p{C}]+$', description: 'use 1–32 characters without spaces or control characters' });
export const Password = Type.String({ minLength: 6, maxLength: 32 });
export const Mobile = Type.String({ minLength: 1, maxLength: 16, pattern: '^\\+?[0-9]{6,15}$', description: 'must be a phone number of 6–15 digits, optionally starting with +' });
export const VerificationCode = Type.String({ minLength: 1, maxLength: 6, pattern: '^[0-9]{6}$', description: 'must be the 6 digits that were sent' });

export const Credentials = Type.Object({ username: Username, password: Password }, { additionalProperties: false });
export const MobileBody = Type.Object({ mobile: Mobile }, { additionalProperties: false });
export const MobileLogin = Type.Object({ mobile: Mobile, code: VerificationCode }, { additionalProperties: false });

export const ProfilePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    avatar: Type.Optional(Type.String({ maxLength: 512, pattern: '^(https?://\\S+)?$', description: 'must be an http(s) URL, or empty' })),
    signature: Type.Optional(Type.String({ maxLength: 256 })),
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

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const IdsQuery = Type.Object(
  { ids: Type.String({ minLength: 1, maxLength: 2000, pattern: '^[0-9]+(,[0-9]+)*$', description: 'must be comma-separated ids, e.g. 1,2,3' }) },
  { additionalProperties: false },
);
