// Checks shared by the adapters: subjects and namespaces are refused at the call that names them,
// with a coded error naming the field, before anything reaches a broker.
import { errors, SurgeError } from '#kit/errors';

/** Tokens of letters, digits, '_' and '-', separated by '.': no wildcard ('*', '>') or space can slip in. */
const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;
/** Long enough for `chat.room.<53-bit id>` many times over; short enough to keep the broker's subject tables small. */
const MAX_SUBJECT = 256;

export function checkSubject(subject: unknown): string {
  if (typeof subject !== 'string' || subject.length > MAX_SUBJECT || !SUBJECT.test(subject))
    throw errors.invalid('subject', "letters, digits, '_' and '-' in tokens separated by '.' (e.g. chat.room.42); no wildcards");
  return subject;
}

/** Default 'surge'. Instances share messages only within one namespace, which keeps test runs and deployments apart. */
export function checkNamespace(namespace: unknown = 'surge'): string {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) throw errors.invalid('namespace', "1-64 letters, digits, '_' or '-'");
  return namespace;
}

export type ErrorSink = (err: SurgeError) => void;

/** Default sink for handler failures: no caller waits for them, so they go to stderr to be seen. */
export function checkOnError(onError: unknown): ErrorSink {
  if (onError === undefined) return (err) => console.error('surge broadcast:', err, err.cause);
  if (typeof onError !== 'function') throw errors.invalid('onError', 'a function');
  return onError as ErrorSink;
}

export function checkHandler(handler: unknown): void {
  if (typeof handler !== 'function') throw errors.invalid('handler', 'a function');
}
