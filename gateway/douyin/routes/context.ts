// Per-request pieces every route uses: the view context (viewer, call options, blob URLs) and
// the existence checks that turn a bad id into an error naming the parameter.
import type { FastifyRequest } from 'fastify';
import { Code, SurgeError } from '#kit/errors';
import type { Video } from '#gen/surge/video/v1/video';
import { callOptions } from '../../routes/users.js';
import type { DouyinDeps } from '../deps.js';
import { viewer, type Params } from '../http/index.js';
import type { ViewContext } from '../views.js';

/** The route that serves local blobs; play_url and cover_url point here unless the store has its own URLs. */
export const BLOB_PREFIX = '/douyin/blob/';

export function viewContext(d: DouyinDeps, request: FastifyRequest, viewer: number): ViewContext {
  let base: string | undefined;
  // The configured base, else where the client reached the gateway (a phone on the LAN, a
  // proxy), taking its Host only when that is a trusted one (plugins/public-origin.ts).
  const urlBase = () => (base ??= (d.settings.publicBaseUrl || request.publicOrigin()) + BLOB_PREFIX);
  return {
    viewer,
    call: callOptions(request),
    urlOf: (key) => d.blob.publicUrl(key) ?? urlBase() + key,
    urlBase: () => (d.blob.publicUrl('probe') === undefined ? urlBase() : ''),
  };
}

/** NotFound naming the parameter that pointed at nothing. */
export const noSuch = (field: string, what: string) => new SurgeError(Code.NotFound, `${field}: no ${what} with this id`, { details: { field } });

/** The video, or NotFound naming `field`. */
export async function videoOrFail(d: DouyinDeps, v: ViewContext, id: number, field = 'video_id'): Promise<Video> {
  const { videos } = await d.clients.videos.getVideos({ ids: [id] }, v.call);
  if (!videos[0]) throw noSuch(field, 'video');
  return videos[0];
}

/**
 * A list that belongs to a user (`user_id`; the signed-in caller when absent): loads it for that
 * owner, as the caller sees it, while checking another owner exists (NotFound naming user_id).
 */
export async function ownersList<T>(d: DouyinDeps, p: Params, request: FastifyRequest, load: (owner: number, v: ViewContext) => Promise<T>): Promise<{ owner: number; v: ViewContext; list: T }> {
  const me = await viewer(p, d.callers, { required: true });
  const owner = p.optionalId('user_id') ?? me;
  const v = viewContext(d, request, me);
  const [list] = await Promise.all([load(owner, v), owner === me ? undefined : userOrFail(d, v, owner, 'user_id')]);
  return { owner, v, list };
}

/** Resolves when the user exists, or throws NotFound naming `field`. */
export async function userOrFail(d: DouyinDeps, v: ViewContext, id: number, field: string): Promise<void> {
  const { users } = await d.clients.users.getUsers({ ids: [id] }, v.call);
  if (!users[0]) throw noSuch(field, 'user');
}
