// Services as their tests call them: handlers registered on an RpcServer and called through the
// in-process transport with its codec check, so requests and replies are encoded as on the wire
// (a value the wire cannot carry fails in the test as it would between processes). Deadlines run
// on the real clock: tests move their manual clock between calls, and a deadline on it would
// pass at once or never.
import { systemClock } from '#kit/clock';
import { createCallContext, createClient, createInProcessTransport, RpcServer, type CallContext, type Client, type ServiceDefinition, type ServiceImpl } from '#kit/rpc';

/** Long enough that a busy machine never times a test's call out. */
const TEST_TIMEOUT_MS = 30_000;

/** A client of these handlers through the in-process transport with its codec check. */
export function inProcessClient<D extends ServiceDefinition>(definition: D, handlers: ServiceImpl<D>): Client<D> {
  const server = new RpcServer().register(definition, handlers);
  return createClient(definition, createInProcessTransport(server, { codecCheck: true }), { clock: systemClock, defaultTimeoutMs: TEST_TIMEOUT_MS });
}

/** A call context as a caller's would be, for calling handlers directly. */
export function testCallContext(): CallContext {
  return createCallContext({ clock: systemClock, timeoutMs: TEST_TIMEOUT_MS });
}

/**
 * Some methods of a contract under the contract's own name: the ones a service calls of another,
 * which a test's stand-in for that service implements (and nothing else).
 */
export function contractPart<D extends ServiceDefinition, const K extends keyof D['methods'] & string>(
  definition: D,
  methods: readonly K[],
): { readonly name: string; readonly fullName: string; readonly methods: Pick<D['methods'], K> } {
  const picked = Object.fromEntries(methods.map((key) => [key, definition.methods[key]])) as Pick<D['methods'], K>;
  return { name: definition.name, fullName: definition.fullName, methods: picked };
}
