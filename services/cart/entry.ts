// The cart service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import { cartConfig } from './config.js';

export const cartEntry = defineServiceEntry({
  name: 'cart',
  definition: CartServiceDefinition,
  config: cartConfig,
  load: () => import('./module.js').then((m) => m.cartModule),
});
