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
