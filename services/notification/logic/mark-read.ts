import type { MarkReadRequest, UnreadReply } from '#gen/surge/notification/v1/notification';
import type { NotificationDeps } from '../deps.js';
import { checkId, checkMarkIds } from '../rules.js';

/** Marks the user's own notifications among ids read: another user's ids (or unknown ones) change nothing. */
export async function markRead(d: NotificationDeps, req: MarkReadRequest): Promise<UnreadReply> {
  const userId = checkId('user_id', req.userId);
  await d.notifications.markRead(userId, checkMarkIds(req.ids));
  return { unreadCount: await d.notifications.unreadCount(userId) };
}
