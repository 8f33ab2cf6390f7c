// Every service Surge hosts: one line each. `npm start` hosts them all in one process,
// `surge serve <name>` one of them, `surge up` every one as a process of its own.
import type { ServiceModule } from '#kit/service';
import { interactionModule } from './interaction/index.js';
import { messageModule } from './message/index.js';
import { relationModule } from './relation/index.js';
import { userModule } from './user/index.js';
import { videoModule } from './video/index.js';

export const serviceModules = [userModule, videoModule, interactionModule, relationModule, messageModule] as const satisfies readonly ServiceModule[];
