// Every service Surge hosts: one line each. `npm start` hosts them all in one process,
// `surge serve <name>` one of them, `surge up` every one as a process of its own. An entry is
// light (contract, configuration section); a module's code is loaded only where it is hosted.
import { checkServiceList } from '#kit/service';
import { articleEntry } from './article/entry.js';
import { qaEntry } from './qa/entry.js';
import { cartEntry } from './cart/entry.js';
import { chatEntry } from './chat/entry.js';
import { feedEntry } from './feed/entry.js';
import { interactionEntry } from './interaction/entry.js';
import { memberEntry } from './member/entry.js';
import { messageEntry } from './message/entry.js';
import { notificationEntry } from './notification/entry.js';
import { orderEntry } from './order/entry.js';
import { payEntry } from './pay/entry.js';
import { productEntry } from './product/entry.js';
import { relationEntry } from './relation/entry.js';
import { replyEntry } from './reply/entry.js';
import { seckillEntry } from './seckill/entry.js';
import { userEntry } from './user/entry.js';
import { videoEntry } from './video/entry.js';

export const serviceList = checkServiceList([userEntry, videoEntry, interactionEntry, relationEntry, messageEntry, productEntry, cartEntry, orderEntry, payEntry, replyEntry, seckillEntry, chatEntry, articleEntry, qaEntry, notificationEntry, memberEntry, feedEntry] as const);
