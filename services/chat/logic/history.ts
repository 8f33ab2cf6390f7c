import type { HistoryReply, HistoryRequest } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { checkHistoryPageSize, checkId, checkSeq } from '../rules.js';
import { visibleRoom } from './access.js';

/**
 * A page of a room's messages, newest first, below before_seq (0: from the newest). The page is
 * read up to the last seq the room had when it was read, so it agrees with the last_seq answered;
 * seqs have no gaps, so the page is the last one exactly when it reaches seq 1.
 */
export async function history(d: ChatDeps, req: HistoryRequest): Promise<HistoryReply> {
  const userId = checkId('user_id', req.userId);
  const roomId = checkId('room_id', req.roomId);
  const beforeSeq = checkSeq('before_seq', req.beforeSeq);
  const limit = checkHistoryPageSize(req.limit);
  const room = await visibleRoom(d, userId, roomId);
  const below = beforeSeq === 0 ? room.lastSeq + 1 : Math.min(beforeSeq, room.lastSeq + 1);
  const messages = below <= 1 ? [] : await d.messages.before(roomId, below, limit);
  const isEnd = messages.length === 0 || messages[messages.length - 1]!.seq === 1;
  return { messages, isEnd, epoch: room.epoch, lastSeq: room.lastSeq };
}
