export { buildGateway, type GatewayDeps } from './server.js';
export type { HealthCheck } from './routes/system.js';
export type { Limiter } from './plugins/limits.js';
export { startOpsServer, type OpsServer } from './ops/index.js';
export { douyinCalls, type DouyinClients } from './douyin/clients.js';
