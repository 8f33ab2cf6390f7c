// What the Douyin routes need, passed in by the gateway.
import type { FastifyRequest } from 'fastify';
import type { Callers } from '#kit/auth';
import type { BlobStore } from '#kit/blob';
import type { Limiter } from '../plugins/limits.js';
import type { TokenVerifier } from '../plugins/auth.js';
import type { DouyinClients } from './clients.js';
import type { FileCheck, Params, UploadGateOptions } from './http/index.js';

export interface DouyinSettings {
  /** IANA zone of comment dates (MM-DD). */
  readonly timeZone: string;
  /** Base of URLs of blobs the gateway serves; '' = from the request's Host. */
  readonly publicBaseUrl: string;
  readonly maxUploadBytes: number;
  readonly formLimitBytes: number;
  /** How long each gateway process keeps the feed's newest page (feed-page.ts), ms; 0: loaded per request. */
  readonly feedCacheMs: number;
  /** Bounds on uploads at once in this process (per user, in all, per address before the token); see createUploadGate. */
  readonly uploads: UploadGateOptions;
}

export interface DouyinDeps {
  readonly clients: DouyinClients;
  /** Signs tokens at sign-in; its verify() (the signature alone) admits an upload's body before its file is read. */
  readonly tokens: TokenVerifier & { sign(claims: { sub: number }): string };
  /** Who a request is from: a token's claims once its account is known to exist. */
  readonly callers: Callers;
  readonly blob: BlobStore;
  readonly limits: { readonly loginPerIp: Limiter; readonly loginPerAccount: Limiter };
  readonly settings: DouyinSettings;
}

/** One route of the API: the fields it always sends, and its handler. */
export interface DouyinRoute {
  readonly url: string;
  /** Sent, with status_code and status_msg, when the request fails: the client needs every field. */
  readonly empty: Record<string, unknown>;
  /** Multipart upload of the file field `data` into the blob store, accepted when `check` passes on its first bytes. */
  readonly upload?: { readonly check: FileCheck };
  handler(p: Params, request: FastifyRequest): Promise<object | string>;
}
