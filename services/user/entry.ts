// The user service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { userConfig, userConfigProblems } from './config.js';

export const userEntry = defineServiceEntry({
  name: 'user',
  definition: UserServiceDefinition,
  config: userConfig,
  problems: userConfigProblems,
  load: () => import('./module.js').then((m) => m.userModule),
});
