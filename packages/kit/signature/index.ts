// Request signatures for server-to-server calls (payment notifications and other callbacks):
// HMAC-SHA256 over the method, path with query, body bytes, a timestamp and a nonce, under a
// named key; verified in constant time within a timestamp window, each signature accepted once.
export { signRequest, type SigningKey, type SignOptions } from './sign.js';
export { createSignatureVerifier, type SignatureVerifier, type VerifierOptions, type VerifiedSignature } from './verify.js';
export { replayGuardOn, type ReplayGuard } from './replay.js';
export { HEADERS as SIGNATURE_HEADERS, type SignedRequest } from './canonical.js';
