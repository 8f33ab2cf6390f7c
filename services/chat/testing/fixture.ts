// One chat service over a fresh database of the given kind, called through the in-process
// transport with its codec check (requests and replies encoded as on the wire), and the handlers
// themselves for inputs the wire cannot carry.
import { afterAll } from 'vitest';
import { Value } from 'typebox/value';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createCallContext, createClient, createInProcessTransport, RpcServer, type CallContext, type Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import type { TestDatabaseKind } from '#kit/testing';
import type { Room, SendRequest } from '#gen/surge/chat/v1/chat';
import { chatConfig, chatMigrations, ChatServiceDefinition, defineChatService, type ChatConfig, type ChatDB, type ChatService } from '../index.js';

export interface ChatFixture {
  svc: Client<typeof ChatServiceDefinition>;
  handlers: ChatService;
  /** A call context as a caller's would be. */
  ctx(): CallContext;
  db: ServiceDatabase<ChatDB>;
  clock: ManualClock;
  /** The `chat` section the service was given: the defaults with the test's changes. */
  config: ChatConfig;
  /** A room made by `ownerId` through the service (a name of its own unless given). */
  room(ownerId: number, fields?: { name?: string; private?: boolean }): Promise<Room>;
}

/** A Send request: a good one from `userId` into `roomId` under `clientMsgId`, with any field replaced. */
export const sendRequest = (userId: number, roomId: number, clientMsgId: string, fields: Partial<SendRequest> = {}): SendRequest => ({
  userId,
  roomId,
  content: `hello from ${userId}`,
  clientMsgId,
  ...fields,
});

/**
 * For one describe block: a function opening a fresh fixture on `kind` with these changes to the
 * `chat` section; the kind's databases are closed and dropped after the block's tests.
 */
export function chatFixturesOn(kind: TestDatabaseKind): (config?: Partial<ChatConfig>) => Promise<ChatFixture> {
  afterAll(() => kind.cleanup());
  return (config) => openChatFixture(kind, config);
}

export async function openChatFixture(kind: TestDatabaseKind, changes: Partial<ChatConfig> = {}): Promise<ChatFixture> {
  const db = await kind.open<ChatDB>('chat', chatMigrations);
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const config = { ...(Value.Default(chatConfig, {}) as ChatConfig), ...changes };
  const handlers = defineChatService({
    db,
    clock,
    // Ids on the real clock: the manual one stands still, and a burst would wait for it.
    ids: createIdGenerator({ workerId: 1, clock: systemClock }),
    config,
  });
  const server = new RpcServer().register(ChatServiceDefinition, handlers);
  // Deadlines on the real clock: tests move the manual one between calls.
  const svc = createClient(ChatServiceDefinition, createInProcessTransport(server, { codecCheck: true }), { clock: systemClock, defaultTimeoutMs: 60_000 });
  let rooms = 0;
  return {
    svc,
    handlers,
    ctx: () => createCallContext({ clock: systemClock, timeoutMs: 60_000 }),
    db,
    clock,
    config,
    room: (ownerId, fields = {}) => svc.createRoom({ userId: ownerId, name: fields.name ?? `room ${++rooms}`, private: fields.private ?? false }),
  };
}
