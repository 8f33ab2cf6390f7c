// The services the chat face calls, by their generated contracts (never their code).
import { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';

export const chatCalls = { chat: ChatServiceDefinition, users: UserServiceDefinition } as const;
