// Authentication building blocks: access tokens (JWT HS256), password hashing (scrypt),
// constant-time comparison, field encryption with a blind index for personal data, and the
// canonical forms of the identifiers people sign in with (usernames, mobile numbers).
export { createTokens, type Tokens, type TokenOptions, type Claims, type VerifiedClaims } from './tokens.js';
export {
  createPasswordHasher, hashPassword, verifyPassword, safeEqual, DEFAULT_PASSWORD_COST, MAX_PASSWORD_LENGTH,
  type PasswordHasher, type PasswordHashOptions, type PasswordCost, type PasswordCheck,
} from './passwords.js';
export { createFieldCipher, type FieldCipher, type FieldCipherOptions } from './field-cipher.js';
export { createAccountKeys, normalizeUsername, usernameKey, type AccountKeys, type AccountKeysOptions } from './identifiers.js';
export { createCallers, type Callers, type CallerOptions } from './callers.js';
