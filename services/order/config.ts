// The order service's configuration section (`order`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';

export const orderConfig = settings.section({
  /**
   * An unpaid order is cancelled this long after it was placed, and its stock goes back to the
   * product service. Default 15 minutes, as most shops hold stock; at most 7 days.
   */
  paymentTimeoutSeconds: settings.int(900, 1, 7 * 86_400),
});

export type OrderConfig = Static<typeof orderConfig>;
