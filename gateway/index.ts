export { buildGateway, type GatewayDeps } from './server.js';
export type { HealthCheck } from './routes/system.js';
export type { Limiter } from './plugins/limits.js';
export { startOpsServer, type OpsServer } from './ops/index.js';
export { defineFace, selectFaces, servicesOf, connectFaces, type Face, type FaceDeps, type FaceContext, type ConnectedFace, type ConnectedGateway } from './face.js';
export { gatewayFaces, gatewayCalls, usersFace, douyinFace, chatFace } from './faces.js';
export { createRoomPresence, type ChatContext } from './chat/index.js';
