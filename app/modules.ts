// The modules this build hosts: the one list in services/index.ts, checked once (names unique,
// every call answered by a module of the list), and the configuration each reads, checked by the
// compiler against the configuration schema.
import { checkModules, type ServiceModule } from '#kit/service';
import { serviceModules as listed } from '../services/index.js';
import { ConfigError, type Config } from './config/index.js';

export const serviceModules: readonly ServiceModule[] = checkModules(listed);

/** The module of that name, or a ConfigError naming the ones there are. */
export function moduleNamed(name: string, modules: readonly ServiceModule[] = serviceModules): ServiceModule {
  const found = modules.find((m) => m.name === name);
  if (!found) throw new ConfigError(`unknown service "${name}"; this build hosts: ${modules.map((m) => m.name).join(', ')}`);
  return found;
}

// Each module's configuration sections must be what the schema validates: a module whose
// sections the schema does not give fails to compile here, not at start-up.
type SectionsOf<M> = M extends ServiceModule<infer _D, infer _DB, infer S, infer _C> ? S : never;
type MisfitOf<M> = M extends unknown ? ([Config] extends [SectionsOf<M>] ? never : M) : never;
type Misfits = MisfitOf<(typeof listed)[number]>;
const configFits: [Misfits] extends [never] ? true : Misfits = true;
void configFits;
