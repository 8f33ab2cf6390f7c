// A flash sale's window, read one way everywhere in the gateway (the buy path's check, the
// status a list shows): running from start_at's millisecond until end_at's, both ms since the epoch.
import type { FlashSale } from '#gen/surge/seckill/v1/seckill';

export type SaleStatus = 'upcoming' | 'running' | 'ended';

export const saleStatus = (sale: Pick<FlashSale, 'startAt' | 'endAt'>, now: number): SaleStatus =>
  now < sale.startAt ? 'upcoming' : now < sale.endAt ? 'running' : 'ended';
