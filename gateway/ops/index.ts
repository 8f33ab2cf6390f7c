// The ops pages: who may read them, the health report, and a listener of their own.
export { opsAccess, isLoopback, type OpsAccessOptions, type OpsCaller } from './access.js';
export { healthReport, type HealthCheck, type HealthReport } from './health.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './server.js';
