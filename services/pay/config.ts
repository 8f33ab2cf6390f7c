// The pay service's configuration section (`pay`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';

export const payConfig = settings.section({
  /**
   * Where the simulator posts its signed notifications: the gateway's notify route, which hands
   * them to HandleNotification. Its path is also the path the signature covers. Default the
   * all-in-one process's gateway on its default port.
   */
  notifyUrl: settings.str('http://127.0.0.1:8080/api/v1/mall/pay/notify', { pattern: '^https?://[^\\s]+$', maxLength: 500 }),
  /** How long the simulator takes to answer a charge, as a real provider's page would. Default 500 ms; at most a minute. */
  simulatorDelayMs: settings.int(500, 0, 60_000),
  /**
   * The secret the simulator signs its notifications with (at least 32 bytes). '' (the default)
   * derives one from auth.fieldKey (HKDF-SHA256, info "surge pay simulator"), so no constant
   * secret exists in any mode and every installation has its own.
   */
  notifySecret: settings.str(''),
  /** Every this many seconds the payments are compared with their orders and repaired (Reconcile). Default 60 s. */
  reconcileSeconds: settings.int(60, 1, 86_400),
});

export type PayConfig = Static<typeof payConfig>;
