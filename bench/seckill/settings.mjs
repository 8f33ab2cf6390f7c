// Surge's settings for the flash-sale benchmarks (run.mjs, profile.mjs).

/**
 * Surge's settings for the run: many sign-ups from one address, cheap password hashes (the seed,
 * not sign-in, pays for them), the per-user buy rate lifted to its most (each buyer is sent a few
 * buys a second; the bench measures the buy path, not that limit), no payment timeout during it
 * (timed-out orders would hand units back to the sales while runs measure).
 */
export const SURGE_ENV = {
  SURGE__limits__loginPerIp__quota: '1000000',
  SURGE__auth__passwordCost: '10',
  SURGE__seckill__buysPerUserPerSecond: '1000',
  SURGE__order__paymentTimeoutSeconds: '86400',
};

