// Calls between services, as declared: a caller names the services it calls by their generated
// definitions (`#gen/...`), under the key it uses for the client, and receives one typed client
// per key. Where the clients come from (in-process, or the registry and the network) is the
// host's business: the caller cannot tell.
import { errors } from '#kit/errors';
import type { Client, ServiceDefinition } from '#kit/rpc';

/** The services a module or a face calls: client key → generated service definition. */
export type Calls = Readonly<Record<string, ServiceDefinition>>;

/** One typed client per declared call. */
export type Clients<C extends Calls> = { readonly [K in keyof C]: Client<C[K]> };

/** Makes the client for one service; `service` is its registry name (serviceNameOf). */
export type ClientMaker = <D extends ServiceDefinition>(definition: D, service: string) => Promise<Client<D>> | Client<D>;

/**
 * The name a service is hosted, registered and found under, read from its contract: the proto
 * package without its version (`surge.video.v1.VideoService` → `video`). One rule, so a caller
 * needs only the generated definition, never the service's code.
 */
export function serviceNameOf(definition: ServiceDefinition): string {
  const parts = definition.fullName.split('.').slice(0, -1);
  while (parts.length > 0 && /^v\d+[a-z0-9]*$/.test(parts[parts.length - 1]!)) parts.pop();
  const name = parts[parts.length - 1];
  if (!name) throw errors.invalid('definition.fullName', `"${definition.fullName}" has no package to name the service by (expected <org>.<service>.v<n>.<Service>)`);
  return name;
}

/** The clients for every declared call, made by `make` (all at once). */
export async function connectClients<C extends Calls>(calls: C, make: ClientMaker): Promise<Clients<C>> {
  const entries = await Promise.all(Object.entries(calls).map(async ([key, definition]) => [key, await make(definition, serviceNameOf(definition))] as const));
  return Object.freeze(Object.fromEntries(entries)) as Clients<C>;
}
