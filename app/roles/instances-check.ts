// The health check every process that calls a service through the registry has for it: failing,
// named after the service, while no instance of it is registered.
import { Code, SurgeError } from '#kit/errors';
import type { HealthCheck } from '#gateway';

export function instancesCheck(service: string, instances: () => readonly unknown[]): HealthCheck {
  const name = `${service} service`;
  return {
    name,
    check: async () => {
      if (instances().length === 0) throw new SurgeError(Code.Unavailable, 'no instance registered', { details: { dependency: name } });
    },
  };
}
