// The services the Douyin API stands on, as RPC clients (in-process or remote: the routes
// cannot tell).
import type { Client } from '#kit/rpc';
import type { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import type { MessageServiceDefinition } from '#gen/surge/message/v1/message';
import type { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';
import type { UserServiceDefinition } from '#gen/surge/user/v1/user';
import type { VideoServiceDefinition } from '#gen/surge/video/v1/video';

export interface DouyinClients {
  users: Client<typeof UserServiceDefinition>;
  videos: Client<typeof VideoServiceDefinition>;
  interactions: Client<typeof InteractionServiceDefinition>;
  relations: Client<typeof RelationServiceDefinition>;
  messages: Client<typeof MessageServiceDefinition>;
}
