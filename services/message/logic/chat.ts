import type { ChatReply, ChatRequest } from '#gen/surge/message/v1/message';
import type { MessageDeps } from '../deps.js';
import { checkAfter, checkId, checkPeer, MAX_MESSAGES_PER_CHAT } from '../rules.js';

/**
 * Oldest first from `after`: when more than a page is waiting, the oldest page comes back, so a
 * client polling with the last created_at it holds pages forward without gaps.
 */
export async function chat(d: MessageDeps, req: ChatRequest): Promise<ChatReply> {
  const user = checkId('user_id', req.userId);
  const peer = checkPeer('peer_id', req.peerId, user, 'must be another user than user_id');
  const after = checkAfter(req.after);
  return { messages: await d.messages.chat(user, peer, after, MAX_MESSAGES_PER_CHAT) };
}
