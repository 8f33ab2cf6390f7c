// A service as the list of services knows it before its code is loaded: its contract, its
// configuration section and where its module is. Every process reads the list (the configuration
// schema is assembled from it, so one config file serves every process and a typo in any section
// stops the start); only a process that hosts a service loads its module.
import type { Static, TObject } from 'typebox';
import { errors } from '#kit/errors';
import type { ServiceDefinition } from '#kit/rpc';
import { serviceNameOf } from './calls.js';
import type { ServiceModule } from './module.js';

/** What a section's checks may know of the rest of the configuration. */
export interface SectionContext {
  /** Embedded mode (one process, in-process adapters, local disk). */
  readonly embedded: boolean;
  /** rpc.timeoutMs: how long a caller waits for the service. */
  readonly rpcTimeoutMs: number;
}

export interface ServiceEntry<N extends string = string, S extends TObject | undefined = TObject | undefined, M extends ServiceModule = ServiceModule> {
  /** The registry name, which is also its section's key (`SURGE__<name>__<key>`); checked against the contract. */
  readonly name: N;
  /** The generated contract (callers need only this, never the code). */
  readonly definition: ServiceDefinition;
  /** Its configuration section (defaults included); undefined = it has none. */
  readonly config: S;
  /** What the schema cannot say about the section, each as "<name>.key: what is wrong; how to fix it". */
  readonly problems?: (section: S extends TObject ? Static<S> : never, system: SectionContext) => string[];
  /** Loads the module (its code, and everything it imports). */
  load(): Promise<M>;
}

/** An entry, checked: its name is the one its contract gives (serviceNameOf). */
export function defineServiceEntry<N extends string, S extends TObject | undefined, M extends ServiceModule>(entry: ServiceEntry<N, S, M>): ServiceEntry<N, S, M> {
  const named = serviceNameOf(entry.definition);
  if (named !== entry.name) throw errors.invalid(`${entry.name}.name`, `the contract ${entry.definition.fullName} names the service "${named}"`);
  return Object.freeze({ ...entry });
}

/** The list, checked: names unique (so are the sections). */
export function checkServiceList<L extends readonly ServiceEntry[]>(list: L): L {
  const seen = new Set<string>();
  for (const entry of list) {
    if (seen.has(entry.name)) throw errors.invalid('services', `two services are named "${entry.name}"`);
    seen.add(entry.name);
  }
  return Object.freeze([...list]) as unknown as L;
}

/** The configuration sections of a list, by service name, typed: the part of the schema the services own. */
export type ServiceSections<L extends readonly ServiceEntry[]> = {
  [E in L[number] as E['config'] extends TObject ? E['name'] : never]: Exclude<E['config'], undefined>;
};

export function serviceSections<L extends readonly ServiceEntry[]>(list: L): ServiceSections<L> {
  return Object.fromEntries(list.filter((e) => e.config !== undefined).map((e) => [e.name, e.config])) as ServiceSections<L>;
}

/** The module of an entry, checked against it: a module file exporting another service's module is a wiring mistake. */
export async function loadEntry(entry: ServiceEntry): Promise<ServiceModule> {
  const module = await entry.load();
  if (module.name !== entry.name || module.definition.fullName !== entry.definition.fullName) {
    throw errors.invalid(`${entry.name}.load`, `loaded the module of ${module.definition.fullName}, not of ${entry.definition.fullName}`);
  }
  return module;
}
