import type { ChatMessage, SendRequest } from '#gen/surge/message/v1/message';
import type { MessageDeps } from '../deps.js';
import { checkContent, checkId, checkPeer } from '../rules.js';

export async function send(d: MessageDeps, req: SendRequest): Promise<ChatMessage> {
  const from = checkId('from_user_id', req.fromUserId);
  const to = checkPeer('to_user_id', req.toUserId, from, 'you cannot send a message to yourself');
  const content = checkContent(req.content);
  return d.messages.append({ id: d.ids.next(), fromUserId: from, toUserId: to, content, now: d.clock.now() });
}
