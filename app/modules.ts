// The services this build hosts: the one list in services/index.ts, and their modules, loaded on
// demand (a process loads the code of the services it hosts, no other) and checked once loaded:
// names unique, every call answered by a listed service, and each module's configuration
// sections the ones the schema gives (checked by the compiler below).
import { checkModules, loadEntry, type ServiceEntry, type ServiceModule } from '#kit/service';
import { serviceList } from '../services/index.js';
import { ConfigError, type Config } from './config/index.js';

export { serviceList };

/** The entry of that name, or a ConfigError naming the ones there are. */
export function entryNamed(name: string, list: readonly ServiceEntry[] = serviceList): ServiceEntry {
  const found = list.find((e) => e.name === name);
  if (!found) throw new ConfigError(`unknown service "${name}"; this build hosts: ${list.map((e) => e.name).join(', ')}`);
  return found;
}

/** The modules of these entries (default: every service), loaded and checked. */
export async function loadModules(entries: readonly ServiceEntry[] = serviceList): Promise<readonly ServiceModule[]> {
  const modules = await Promise.all(entries.map(loadEntry));
  return checkModules(modules, serviceList.map((e) => e.definition));
}

// Each module's configuration sections must be what the schema validates: a module whose
// sections the schema does not give fails to compile here, not at start-up.
type ModuleOf<E> = E extends ServiceEntry<string, any, infer M> ? M : never;
type SectionsOf<M> = M extends ServiceModule<infer _D, infer _DB, infer S, infer _C> ? S : never;
type MisfitOf<M> = M extends unknown ? ([Config] extends [SectionsOf<M>] ? never : M) : never;
type Misfits = MisfitOf<ModuleOf<(typeof serviceList)[number]>>;
const configFits: [Misfits] extends [never] ? true : Misfits = true;
void configFits;
