import type { SinceReply, SinceRequest } from '#gen/surge/chat/v1/chat';
import type { ChatDeps } from '../deps.js';
import { checkEpoch, checkId, checkSeq, checkSincePageSize } from '../rules.js';
import { visibleRoom } from './access.js';

/**
 * Recovery after a reconnect (Centrifugo's offset + epoch): the messages after since_seq, oldest
 * first, a page of them; or too_far, with none, when the client cannot be brought up to date from
 * the history: its epoch is not the room's, its seq is past the room's last (both: seqs of another
 * history), or it missed more than chat.recoveryLimit messages. Seqs have no gaps, so the page is
 * exactly since_seq + 1 … since_seq + limit, cut at the last seq the room had when it was read.
 */
export async function since(d: ChatDeps, req: SinceRequest): Promise<SinceReply> {
  const userId = checkId('user_id', req.userId);
  const roomId = checkId('room_id', req.roomId);
  const sinceSeq = checkSeq('since_seq', req.sinceSeq);
  const epoch = checkEpoch(req.epoch);
  const limit = checkSincePageSize(req.limit);
  const room = await visibleRoom(d, userId, roomId);
  const known = { epoch: room.epoch, lastSeq: room.lastSeq };
  const otherHistory = (epoch !== '' && epoch !== room.epoch) || sinceSeq > room.lastSeq;
  if (otherHistory || room.lastSeq - sinceSeq > d.limits.recoveryLimit) return { messages: [], tooFar: true, ...known };
  const through = Math.min(room.lastSeq, sinceSeq + limit);
  const messages = through === sinceSeq ? [] : await d.messages.range(roomId, sinceSeq, through);
  return { messages, tooFar: false, ...known };
}
