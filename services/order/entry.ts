// The order service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { orderConfig } from './config.js';

export const orderEntry = defineServiceEntry({
  name: 'order',
  definition: OrderServiceDefinition,
  config: orderConfig,
  load: () => import('./module.js').then((m) => m.orderModule),
});
