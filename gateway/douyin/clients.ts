// The services the Douyin face (gateway/faces.ts) stands on, by their generated definitions
// (never the services' code, so a gateway process loads none of it), and the RPC clients made
// from them (in-process or remote: the routes cannot tell).
import type { Clients } from '#kit/service';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import { MessageServiceDefinition } from '#gen/surge/message/v1/message';
import { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { VideoServiceDefinition } from '#gen/surge/video/v1/video';

/** Client key → the service definition it calls. */
export const douyinCalls = {
  users: UserServiceDefinition,
  videos: VideoServiceDefinition,
  interactions: InteractionServiceDefinition,
  relations: RelationServiceDefinition,
  messages: MessageServiceDefinition,
} as const;

export type DouyinClients = Clients<typeof douyinCalls>;
