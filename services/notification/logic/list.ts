import { pageOf } from '#kit/paging';
import type { ListRequest, NotificationPage } from '#gen/surge/notification/v1/notification';
import type { NotificationDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../model/cursor.js';
import { checkId, checkLimit } from '../rules.js';

/** A user's notifications, the most recently updated first (ties by id), with the unread count. */
export async function list(d: NotificationDeps, req: ListRequest): Promise<NotificationPage> {
  const userId = checkId('user_id', req.userId);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor);
  const [found, unreadCount] = await Promise.all([d.notifications.page(userId, from, limit), d.notifications.unreadCount(userId)]);
  const { rows, isEnd } = pageOf(found, limit);
  const last = rows.at(-1);
  return { notifications: rows, nextCursor: isEnd || !last ? '' : encodeCursor({ kind: 'updated', keys: [last.updatedAt], id: last.id }), isEnd, unreadCount };
}
