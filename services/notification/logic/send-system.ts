import type { SendSystemReply, SendSystemRequest } from '#gen/surge/notification/v1/notification';
import type { NotificationDeps } from '../deps.js';
import { checkBody, checkRecipients, checkTitle } from '../rules.js';

/** One unread system notification to each recipient (each once), all in one transaction. */
export async function sendSystem(d: NotificationDeps, req: SendSystemRequest): Promise<SendSystemReply> {
  const userIds = checkRecipients(req.userIds);
  const title = checkTitle(req.title);
  const body = checkBody(req.body);
  await d.notifications.insertSystem(
    userIds.map((userId) => ({ id: d.ids.next(), userId, title, body })),
    d.clock.now(),
  );
  return { sent: userIds.length };
}
