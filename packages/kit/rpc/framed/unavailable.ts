// The framed client's Unavailable errors. Each says in details.sent whether the request frame was
// handed to a socket: false means the server cannot have seen the call, so a caller may try it on
// another instance; true means it may have run (the connection died before the reply).
import { Code, SurgeError } from '#kit/errors';

export function unavailable(name: string, message: string, sent: boolean, cause?: unknown): SurgeError {
  return new SurgeError(Code.Unavailable, message, { details: { dependency: name, sent }, cause });
}

/**
 * An error the server answered with: the request reached it. An Unavailable among them (a
 * dependency of the server was down) is marked sent, whatever details.sent it carried from the
 * server's own calls, so no caller takes it for a call that never left.
 */
export function answered(err: SurgeError): SurgeError {
  if (err.code !== Code.Unavailable) return err;
  return new SurgeError(err.code, err.message, { details: { ...err.details, sent: true } });
}
