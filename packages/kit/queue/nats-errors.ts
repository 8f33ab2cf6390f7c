// Translates NATS driver errors into SurgeErrors at the adapter's edge, keeping the original as cause.
import { ClosedConnectionError, ConnectionError, DrainingConnectionError, InvalidArgumentError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { JetStreamApiError } from '@nats-io/jetstream';
import { Code, errors, SurgeError } from '#kit/errors';

export const DEPENDENCY = 'nats';

/** JetStream API error codes the adapter branches on. */
export const apiCode = Object.freeze({ consumerNotFound: 10014, streamNotFound: 10059, consumerExists: 10013, consumerAlreadyExists: 10148 });

export function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

export function fromNats(err: unknown, doing: string): SurgeError {
  if (err instanceof SurgeError) return err;
  // The server is gone, not answering, or we are between connections: the caller may retry later.
  if (
    err instanceof ConnectionError || err instanceof TimeoutError || err instanceof NoRespondersError ||
    err instanceof ClosedConnectionError || err instanceof DrainingConnectionError || err instanceof RequestError
  ) return errors.unavailable(DEPENDENCY, err);
  // JetStream not enabled on the server (or a 503 from its API) is a dependency that cannot serve us.
  if (err instanceof Error && (err.name === 'JetStreamNotEnabled' || /jetstream not enabled/i.test(err.message)))
    return errors.unavailable(DEPENDENCY, err);
  if (err instanceof InvalidArgumentError && /max_payload/.test(err.message))
    return new SurgeError(Code.PayloadTooLarge, 'the message is larger than the server accepts (max_payload)', { cause: err });
  // The server refused a request (stream or consumer settings conflict): a configuration problem, say which.
  if (err instanceof JetStreamApiError)
    return new SurgeError(Code.FailedPrecondition, `nats refused to ${doing}: ${err.message}`, { cause: err });
  return errors.internal(err);
}
