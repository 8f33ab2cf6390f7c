import type { LatestReply, LatestRequest } from '#gen/surge/message/v1/message';
import type { MessageDeps } from '../deps.js';
import { checkId, checkPeerIds } from '../rules.js';

/** The newest message of each conversation (the chat list's preview line): one query. */
export async function latest(d: MessageDeps, req: LatestRequest): Promise<LatestReply> {
  const user = checkId('user_id', req.userId);
  // The user's own id among the peers names no conversation; it is skipped, not refused.
  const peers = checkPeerIds(req.peerIds).filter((p) => p !== user);
  if (peers.length === 0) return { messages: [] };
  return { messages: await d.latest.latest(user, peers) };
}
