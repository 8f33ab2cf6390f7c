// How the member service takes a VIP payment: the slice of a payment desk it needs. The pay
// service's contract cannot serve it yet (pay.proto CreatePayment pays an order: it needs an
// order_id, takes the amount from the order, and tells the order service MarkPaid when paid,
// publishing nothing), so no adapter over it exists; tests and embedders give one through the
// module's `vipPayments` override. Without one, BuyVip refuses (refusals.vipUnavailable).

export interface VipPayment {
  id: number;
  /** pending, paid or failed, as the pay service says it. */
  status: string;
  amountCents: number;
  provider: string;
  createdAt: number;
}

export interface VipPaymentDesk {
  /**
   * Makes a payment of `amountCents` by the user, for `purpose` (the payer's own reference). The
   * paid confirmation comes back later as a call of applyVipPayment (logic/apply-vip-payment.ts).
   */
  create(req: { userId: number; amountCents: number; purpose: string; simulate: '' | 'fail' }): Promise<VipPayment>;
}
