// The one list of faces: every HTTP API this gateway can serve. http.faces picks among them by
// name (default every one). A new face is one value (its own folder, like douyin/) and one line here.
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { douyinRoutes } from './douyin/index.js';
import { douyinCalls } from './douyin/clients.js';
import { CHAT_PREFIX, chatCalls, chatFaceRoutes } from './chat/index.js';
import { COMMUNITY_PREFIX, communityCalls, communityRoutes } from './community/index.js';
import { defineFace, type Face } from './face.js';
import { createCatalogPages, createFlashSales, MALL_PREFIX, mallCalls, mallRoutes } from './mall/index.js';
import { userRoutes } from './routes/users.js';

const USERS_PREFIX = '/api/v1/users';

/** /api/v1/users: sign-up, sign-in and profiles (routes/users.ts). */
export const usersFace = defineFace({
  name: 'users',
  prefix: USERS_PREFIX,
  calls: { users: UserServiceDefinition },
  mount: async (app, d) => {
    await app.register(userRoutes, { prefix: USERS_PREFIX, users: d.clients.users, tokens: d.tokens, limits: d.limits, accountKeys: d.accountKeys, maxBatch: d.maxUsersPerBatch });
  },
});

/** /douyin/: the minimal Douyin API the mobile client speaks, and the local blobs it plays (douyin/). */
export const douyinFace = defineFace({
  name: 'douyin',
  prefix: '/douyin',
  calls: douyinCalls,
  mount: (app, d) => douyinRoutes(app, { clients: d.clients, tokens: d.tokens, callers: d.callers, blob: d.blob, limits: d.limits, settings: d.douyin }),
});

/** /api/v1/mall: the mall's catalog, favorites, cart, orders and flash sales (mall/). */
export const mallFace = defineFace({
  name: 'mall',
  prefix: MALL_PREFIX,
  calls: mallCalls,
  mount: async (app, d) => {
    const flash = createFlashSales({ seckill: d.clients.seckill, broadcast: await d.broadcast(), clock: d.clock, settings: d.mall, warn: (err, message) => app.log.warn({ err }, message) });
    await mallRoutes(app, { clients: d.clients, pages: createCatalogPages({ ttlMs: d.mall.pageCacheMs }), flash, clock: d.clock, lanes: d.lanes, callers: d.callers });
  },
});

/** /api/v1/chat: the chat room's WebSocket and its rooms' routes (chat/). */
export const chatFace = defineFace({
  name: 'chat',
  prefix: CHAT_PREFIX,
  calls: chatCalls,
  mount: async (app, d) => chatFaceRoutes(app, { ...(await d.chat()), clients: d.clients, callers: d.callers }),
});

/** /api/v1/community: the community's articles and image uploads (community/). */
export const communityFace = defineFace({
  name: 'community',
  prefix: COMMUNITY_PREFIX,
  calls: communityCalls,
  mount: (app, d) => communityRoutes(app, { clients: d.clients, blob: d.blob, uploadLimit: d.limits.imageUploadsPerUser, settings: d.community }),
});

/** What the gateway calls itself, whatever faces it serves: the user service, asked whether a token's account exists (#kit/auth createCallers). */
export const gatewayCalls = Object.freeze({ users: UserServiceDefinition });

export const gatewayFaces: readonly Face[] = Object.freeze([usersFace, douyinFace, mallFace, chatFace, communityFace]);
