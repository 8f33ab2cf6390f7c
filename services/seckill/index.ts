export { seckillModule, type SeckillSections, type SeckillOverrides } from './module.js';
export { defineSeckillService, type SeckillService, type SeckillServiceOptions, type SeckillHandlers } from './service.js';
export { seckillMigrations } from './model/migrations.js';
export type { SeckillDB } from './model/tables.js';
export type { SaleStock, SalePlan, ReservedTicket } from './model/sale-stock.js';
export { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
