// A face: one HTTP API the gateway can serve (the user API, the Douyin API; next the mall, the
// community), as one value, the gateway's counterpart of a service module (#kit/service). It says
// the services it calls, by their generated definitions, and mounts its routes given one typed
// client per call. The shared plumbing (auth, limits, validation, errors, observation, ops, CORS)
// is the gateway's (server.ts); a face only adds routes. Configuration (http.faces) chooses the
// faces a process serves, and the process connects, and reports on, only the services they call.
import type { FastifyInstance } from 'fastify';
import type { AccountKeys, Callers } from '#kit/auth';
import type { BlobStore } from '#kit/blob';
import type { Broadcast } from '#kit/broadcast';
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { Client, ServiceDefinition } from '#kit/rpc';
import { serviceNameOf, type Calls, type ClientMaker, type Clients } from '#kit/service';
import type { ChatContext } from './chat/deps.js';
import type { CommunitySettings } from './community/deps.js';
import type { DouyinSettings } from './douyin/deps.js';
import type { Lanes } from './lanes.js';
import type { MallSettings } from './mall/deps.js';
import type { TokenVerifier } from './plugins/auth.js';
import type { Limiter } from './plugins/limits.js';

/** What the gateway gives every face: its tokens, limits and stores, and the faces' settings. */
export interface FaceContext {
  /** Signs a signed-in user's token. Its verify() checks the signature alone: who a request is from is `callers`. */
  readonly tokens: TokenVerifier & { sign(claims: { sub: number }): string };
  /** Who a request is from: a token's claims once its account is known to exist (#kit/auth createCallers). */
  readonly callers: Callers;
  readonly limits: { readonly loginPerIp: Limiter; readonly loginPerAccount: Limiter; readonly codePerIp: Limiter; readonly codePerMobile: Limiter; readonly imageUploadsPerUser: Limiter };
  /** How mobiles are read for the per-mobile limits (as the user service reads them). */
  readonly accountKeys: Pick<AccountKeys, 'checkMobile'>;
  /** Uploads go here, and the gateway serves local blobs from it. */
  readonly blob: BlobStore;
  /** The Douyin face's settings (config.douyin); until faces carry their own configuration sections. */
  readonly douyin: DouyinSettings;
  /** The community face's settings (config.community). */
  readonly community: CommunitySettings;
  /** The mall face's settings (config.mall). */
  readonly mall: MallSettings;
  /** The chat face's broadcast, presence, send limit and settings, made once when it mounts. */
  readonly chat: () => Promise<ChatContext>;
  /** The broadcast between gateway instances (opened by the first face that asks; the mall's sold-out flags). */
  readonly broadcast: () => Promise<Broadcast>;
  /** The gateway's clock (route deadlines, the flash sales' windows and limits). */
  readonly clock: Clock;
  /** GET /api/v1/users?ids=… answers at most this many profiles. */
  readonly maxUsersPerBatch: number;
  /** Routes a flood hits, answered ahead of Fastify (lanes.ts): the flash-sale buy. */
  readonly lanes: Pick<Lanes, 'add'>;
}

/** What a face's `mount` is given: the shared context and one client per service it declared. */
export interface FaceDeps<C extends Calls = Calls> extends FaceContext {
  readonly clients: Clients<C>;
}

export interface Face<C extends Calls = Calls> {
  /** Named in http.faces. */
  readonly name: string;
  /** Where its routes live ('/douyin'); two faces of one gateway never share one. */
  readonly prefix: string;
  /** The services it calls, by their generated definitions (never the services' code). */
  readonly calls: C;
  /** Registers its routes on the gateway (under `prefix`). */
  mount(app: FastifyInstance, deps: FaceDeps<C>): Promise<void>;
}

/** A face value, checked and frozen: a lower-case name and a prefix of one or more path segments. */
export function defineFace<C extends Calls>(spec: Face<C>): Face<C> {
  if (!/^[a-z][a-z0-9-]*$/.test(spec.name)) throw errors.invalid('face.name', `"${spec.name}" must be lower-case letters, digits and dashes`);
  if (!/^(\/[a-z0-9._-]+)+$/.test(spec.prefix)) throw errors.invalid(`${spec.name}.prefix`, `"${spec.prefix}" must be a path such as /api/v1/users (no trailing slash)`);
  return Object.freeze({ ...spec, calls: Object.freeze({ ...spec.calls }) });
}

/**
 * The faces a gateway serves, by name, from the list of all of them: every one when `names` is
 * empty (http.faces' default), else those named, in the list's order. An unknown name, a name given twice, or two
 * selected faces under one prefix (or one inside the other) is refused, naming it.
 */
export function selectFaces(all: readonly Face[], names: readonly string[]): readonly Face[] {
  const byName = new Map(all.map((face) => [face.name, face]));
  if (byName.size !== all.length) throw errors.invalid('faces', 'two faces share a name');
  const every = names.length === 0;
  if (!every) {
    const seen = new Set<string>();
    for (const name of names) {
      if (!byName.has(name)) throw errors.invalid('http.faces', `no face is named "${name}" (there are: ${[...byName.keys()].join(', ')})`);
      if (seen.has(name)) throw errors.invalid('http.faces', `"${name}" is named twice`);
      seen.add(name);
    }
  }
  const chosen = every ? [...all] : all.filter((face) => names.includes(face.name)) ;
  for (const a of chosen) {
    for (const b of chosen) {
      if (a !== b && (a.prefix === b.prefix || b.prefix.startsWith(`${a.prefix}/`))) throw errors.invalid('faces', `${b.name} (${b.prefix}) is under ${a.name}'s prefix ${a.prefix}`);
    }
  }
  return Object.freeze(chosen);
}

/** Every service the faces call, once each by its registry name (serviceNameOf), with its definition. */
export function servicesOf(faces: readonly Face[]): ReadonlyMap<string, ServiceDefinition> {
  const services = new Map<string, ServiceDefinition>();
  for (const face of faces) {
    for (const [key, definition] of Object.entries(face.calls)) {
      const name = serviceNameOf(definition);
      const known = services.get(name);
      if (known && known.fullName !== definition.fullName) throw errors.invalid(`${face.name}.calls.${key}`, `${definition.fullName} and ${known.fullName} are both named "${name}"`);
      services.set(name, definition);
    }
  }
  return services;
}

/** A face with its clients, ready to mount. */
export interface ConnectedFace {
  readonly face: Face;
  readonly clients: Clients<Calls>;
}

/** The faces with their clients, and the clients of what the gateway calls itself. */
export interface ConnectedGateway<O extends Calls = Calls> {
  readonly faces: readonly ConnectedFace[];
  readonly own: Clients<O>;
}

/**
 * The clients of the faces and of the gateway's own calls (`own`: the user service, which the
 * gateway asks whether a token's account exists), made by `make` once per service however many
 * callers it has (one remote client, one set of instances and breakers per service in a gateway
 * process): `make` is called for these services and no other, so a gateway serving only the user
 * API connects to, and reports on, the user service alone.
 */
export async function connectFaces<O extends Calls>(faces: readonly Face[], make: ClientMaker, own: O): Promise<ConnectedGateway<O>> {
  const self = defineFace({ name: 'gateway', prefix: '/gateway', calls: own, mount: async () => undefined });
  const services = [...servicesOf([self, ...faces])];
  const made = new Map<string, Client<ServiceDefinition>>(await Promise.all(services.map(async ([name, definition]) => [name, await make(definition, name)] as const)));
  const clientsOf = <C extends Calls>(calls: C) => Object.freeze(Object.fromEntries(Object.entries(calls).map(([key, definition]) => [key, made.get(serviceNameOf(definition))!]))) as Clients<C>;
  return { faces: faces.map((face) => ({ face, clients: clientsOf(face.calls) })), own: clientsOf(own) };
}
