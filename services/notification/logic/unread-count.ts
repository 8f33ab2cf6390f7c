import type { UnreadReply, UserRequest } from '#gen/surge/notification/v1/notification';
import type { NotificationDeps } from '../deps.js';
import { checkId } from '../rules.js';

export async function unreadCount(d: NotificationDeps, req: UserRequest): Promise<UnreadReply> {
  return { unreadCount: await d.notifications.unreadCount(checkId('user_id', req.userId)) };
}
