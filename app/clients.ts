// The RPC clients the gateway calls, one per service, made by whichever transport this process
// uses: in-process in the all-in-one system, the registry and the network in the gateway process.
import type { Client, ServiceDefinition } from '#kit/rpc';
import { InteractionServiceDefinition } from '#services/interaction';
import { MessageServiceDefinition } from '#services/message';
import { RelationServiceDefinition } from '#services/relation';
import { UserServiceDefinition } from '#services/user';
import { VideoServiceDefinition } from '#services/video';

/** Each client's service name (as hosted and registered) and contract. */
export const gatewayServices = {
  users: { service: 'user', definition: UserServiceDefinition },
  videos: { service: 'video', definition: VideoServiceDefinition },
  interactions: { service: 'interaction', definition: InteractionServiceDefinition },
  relations: { service: 'relation', definition: RelationServiceDefinition },
  messages: { service: 'message', definition: MessageServiceDefinition },
} as const;

type Services = typeof gatewayServices;
export type GatewayClients = { [K in keyof Services]: Client<Services[K]['definition']> };

export type ClientMaker = <D extends ServiceDefinition>(definition: D, service: string) => Promise<Client<D>>;

export async function makeGatewayClients(make: ClientMaker): Promise<GatewayClients> {
  const entries = await Promise.all(Object.entries(gatewayServices).map(async ([key, s]) => [key, await make(s.definition as ServiceDefinition, s.service)] as const));
  return Object.fromEntries(entries) as GatewayClients;
}
