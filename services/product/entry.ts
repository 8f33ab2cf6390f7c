// The product service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import { productConfig } from './config.js';

export const productEntry = defineServiceEntry({
  name: 'product',
  definition: ProductServiceDefinition,
  config: productConfig,
  load: () => import('./module.js').then((m) => m.productModule),
});
