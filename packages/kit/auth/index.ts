// Authentication building blocks: access tokens (JWT HS256), password hashing (scrypt),
// constant-time comparison, and field encryption with a blind index for personal data.
export { createTokens, type Tokens, type TokenOptions, type Claims, type VerifiedClaims } from './tokens.js';
export { hashPassword, verifyPassword, safeEqual, type PasswordHashOptions } from './passwords.js';
export { createFieldCipher, type FieldCipher, type FieldCipherOptions } from './field-cipher.js';
