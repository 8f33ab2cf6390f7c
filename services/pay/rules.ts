// Input rules of the pay service, checked before any work is done, each refusal naming the field.
import { errors } from '#kit/errors';
import { checkId } from '#kit/rules';

export { checkId };

/** CreatePayment's simulate: '' or 'fail'. */
export function checkSimulate(value: string): '' | 'fail' {
  if (value !== '' && value !== 'fail') throw errors.invalid('simulate', 'must be "" (pay) or "fail" (the payment fails)');
  return value;
}

/** The x-surge-* header values HandleNotification forwards: bounded before the signature is computed. */
export function checkHeader(field: string, value: string, max: number): string {
  if (value.length === 0 || value.length > max) throw errors.invalid(field, `must be 1 to ${max} characters`);
  return value;
}

/** What a payment can be for: "order" (CreatePayment) and the purposes other services pay through CreateReferencePayment. */
export const PURPOSES = ['order', 'vip'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** A reference payment's amount: at least a cent, at most 100,000.00. */
export const MIN_AMOUNT_CENTS = 1;
export const MAX_AMOUNT_CENTS = 10_000_000;

/** A buyer's reference: an id of its own, as a string (decimal ids, or keys like "a:b"). */
const REFERENCE = /^[A-Za-z0-9._:-]{1,64}$/;

/** What CreateReferencePayment pays: an amount for a purpose and the caller's reference. */
export interface ReferenceTarget {
  purpose: Exclude<Purpose, 'order'>;
  reference: string;
  amountCents: number;
}

/** CreateReferencePayment's purpose (never "order": an order's amount is the order's), reference and amount. */
export function checkReferenceTarget(req: { purpose: string; reference: string; amountCents: number }): ReferenceTarget {
  const others = PURPOSES.filter((p) => p !== 'order');
  if (!(others as readonly string[]).includes(req.purpose)) throw errors.invalid('purpose', `must be one of ${others.map((p) => `"${p}"`).join(', ')} (an order is paid with CreatePayment)`);
  if (!REFERENCE.test(req.reference)) throw errors.invalid('reference', 'must be 1 to 64 of A-Z a-z 0-9 . _ : -');
  if (!Number.isSafeInteger(req.amountCents) || req.amountCents < MIN_AMOUNT_CENTS || req.amountCents > MAX_AMOUNT_CENTS) {
    throw errors.invalid('amount_cents', `must be a whole number of cents from ${MIN_AMOUNT_CENTS} to ${MAX_AMOUNT_CENTS}`);
  }
  return { purpose: req.purpose as ReferenceTarget['purpose'], reference: req.reference, amountCents: req.amountCents };
}
