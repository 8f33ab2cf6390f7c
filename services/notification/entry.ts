// The notification service in the list of services: its contract and its module, loaded only by a
// process that hosts it. It has no configuration section.
import { defineServiceEntry } from '#kit/service';
import { NotificationServiceDefinition } from '#gen/surge/notification/v1/notification';

export const notificationEntry = defineServiceEntry({
  name: 'notification',
  definition: NotificationServiceDefinition,
  config: undefined,
  load: () => import('./module.js').then((m) => m.notificationModule),
});
