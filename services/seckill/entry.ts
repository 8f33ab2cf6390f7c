// The seckill (flash sale) service in the list of services: contract, configuration section, and
// its module, loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import { seckillConfig } from './config.js';

export const seckillEntry = defineServiceEntry({
  name: 'seckill',
  definition: SeckillServiceDefinition,
  config: seckillConfig,
  load: () => import('./module.js').then((m) => m.seckillModule),
});
