// The payment provider behind the pay service: pluggable, two calls and the keys its
// notifications are signed with. A charge is only asked for here; its outcome arrives later as a
// signed notification (HandleNotification), as with every real provider's asynchronous flow.

export interface ChargeRequest {
  paymentId: number;
  orderId: number;
  amountCents: number;
  /** The simulator's switch: 'fail' makes the charge fail; real providers ignore it. */
  simulate: '' | 'fail';
}

export interface RefundRequest {
  paymentId: number;
  amountCents: number;
}

export interface PaymentProvider {
  /** Stored with each payment (at most 32 characters). */
  readonly name: string;
  /** Key id → secret that the provider's notifications are signed with (#kit/signature, each at least 32 bytes). */
  readonly notificationKeys: Readonly<Record<string, Uint8Array>>;
  /** Asks for the charge; resolves once the provider took the request (the outcome is notified). Rejects when it refused. */
  charge(request: ChargeRequest): Promise<void>;
  /**
   * What became of a charge, for a payment whose notification never arrived (the provider gave
   * up delivering it): 'pending' while undecided; a charge the provider does not know is 'failed'
   * (no money moved).
   */
  query(paymentId: number): Promise<'pending' | 'paid' | 'failed'>;
  /** Gives the payment's money back. Idempotent by payment id: asked twice, it refunds once. */
  refund(request: RefundRequest): Promise<void>;
  /** Stops what the provider runs in this process (the simulator's pending answers). */
  close(): Promise<void>;
}
