import type { SendReply, SendRequest } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkClientMsgId, checkContent, checkId } from '../rules.js';

/**
 * The caller's message into a room they may see (checked by the write itself), stored as the room's next seq with the
 * configured words masked; a resend under the same client_msg_id stores nothing and answers the
 * message stored the first time (replayed).
 */
export async function send(d: ChatDeps, req: SendRequest): Promise<SendReply> {
  const userId = checkId('user_id', req.userId);
  const roomId = checkId('room_id', req.roomId);
  const content = checkContent(req.content, d.limits.maxMessageChars);
  const clientMsgId = checkClientMsgId(req.clientMsgId);
  const appended = await d.messages.append({ id: d.ids.next(), roomId, userId, content: d.words.mask(content), clientMsgId, createdAt: d.clock.now() });
  // No such room, or a private one the sender may not see: worded alike (logic/access.ts).
  if (!appended) throw refusals.noRoom();
  return appended;
}
