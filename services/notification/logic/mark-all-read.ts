import type { UnreadReply, UserRequest } from '#gen/surge/notification/v1/notification';
import type { NotificationDeps } from '../deps.js';
import { checkId } from '../rules.js';

export async function markAllRead(d: NotificationDeps, req: UserRequest): Promise<UnreadReply> {
  const userId = checkId('user_id', req.userId);
  await d.notifications.markAllRead(userId);
  return { unreadCount: await d.notifications.unreadCount(userId) };
}
