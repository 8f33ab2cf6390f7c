// Every consumer of the member service, started together and closed together: points from the
// community's activity (points.ts) and VIP from paid payments (vip-paid.ts), all in group `member`.
import type { Closable } from '#kit/service';
import { PAY_PAID } from '../../pay/events.js';
import { POINT_TOPICS, startPointConsumers, type PointConsumerOptions } from './points.js';
import { startVipPaidConsumer } from './vip-paid.js';

/** Every topic the member service consumes. */
export const MEMBER_TOPICS = [...POINT_TOPICS, PAY_PAID] as const;

export async function startMemberConsumers(o: PointConsumerOptions): Promise<Closable> {
  const points = await startPointConsumers(o);
  const vip = await startVipPaidConsumer(o);
  return {
    async close() {
      await Promise.all([points.close(), vip.close()]);
    },
  };
}
