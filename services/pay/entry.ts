// The pay service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { PayServiceDefinition } from '#gen/surge/pay/v1/pay';
import { payConfig } from './config.js';

export const payEntry = defineServiceEntry({
  name: 'pay',
  definition: PayServiceDefinition,
  config: payConfig,
  load: () => import('./module.js').then((m) => m.payModule),
});
