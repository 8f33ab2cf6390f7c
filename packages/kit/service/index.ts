// Public door of service: a service as one module value (its contract, handlers, migrations,
// configuration sections, events, the services it calls, health checks), and typed clients for
// calls between services. Hosts (app/) run any list of modules the same way.
export { defineServiceModule, checkModules, type ServiceModule, type ServiceModuleSpec, type ModuleContext, type HealthCheck, type Closable } from './module.js';
export { connectClients, serviceNameOf, type Calls, type Clients, type ClientMaker } from './calls.js';
export { defineServiceEntry, checkServiceList, serviceSections, loadEntry, type ServiceEntry, type ServiceSections, type SectionContext } from './entry.js';
/** Shapes for configuration sections: `settings.section({ size: settings.int(10, 1) })`. */
export * as settings from './settings.js';
export { instanceName } from './instance.js';
