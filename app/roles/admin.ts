// `surge admin grant <username>` / `surge admin revoke <username>`: gives or takes the admin role.
// It opens the user service's own database (with its migrations, as a host does) and changes the
// role through the service's SetRole use case, so it works beside a running system: embedded, the
// SQLite file in the data dir (WAL lets it write while `npm start` holds the file; a writer waits
// out the other's lock for the store's busy timeout); on servers, the MariaDB database. It needs
// no signing secret or field key. The gateway reads roles fresh on each admin request, so the
// change counts at once (docs/security.md, "Roles").
//
// `surge admin saga stuck` / `surge admin saga retry <gid>`: the order service's saga
// transactions waiting for an operator, and handing one back, the same way, through the order
// service's database (#kit/saga createSagaAdmin): a handed-back transaction is taken up by the
// running order service's resume loop (saga.pollMs, 5 s) with fresh attempts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { serviceNameOf } from '#kit/service';
import { openServiceDatabase, type DatabaseConfig } from '#kit/store';
import { createSagaAdmin } from '#kit/saga';
import { orderMigrations, OrderServiceDefinition, type OrderDB } from '#services/order';
import { checkRoleUsername, createRoleAdmin, userMigrations, UserServiceDefinition, type RoleChange, type UserDB } from '#services/user';
import { ConfigError, type Config } from '../config/index.js';
import { databaseConfigOf } from '../infra.js';

const USAGE = 'usage: surge admin grant|revoke <username> | saga stuck | saga retry <gid> [--config file]';
/** The verbs, and whether each grants. */
const VERBS: Readonly<Record<string, boolean>> = { grant: true, revoke: false };
const ROLE = 'admin';

/** Runs `surge admin <args>`; `load` reads the configuration as the other commands do. */
export async function admin(args: readonly string[], load: () => Readonly<Config>): Promise<void> {
  const [verb, username, ...extra] = args.filter((a, i) => a !== '--config' && args[i - 1] !== '--config');
  if (verb === undefined) throw new ConfigError(USAGE);
  if (verb === 'saga') return sagaCommand(username, extra, load);
  const granted = Object.hasOwn(VERBS, verb) ? VERBS[verb]! : undefined;
  if (granted === undefined) throw new ConfigError(`unknown admin command "${verb.slice(0, 64)}"; ${USAGE}`);
  if (username === undefined) throw new ConfigError(`surge admin ${verb}: which user? ${USAGE}`);
  if (extra.length > 0) throw new ConfigError(`surge admin ${verb} takes one username; ${USAGE}`);
  try {
    checkRoleUsername(username); // before anything is opened
  } catch (err) {
    throw asUsageError(err);
  }

  const service = serviceNameOf(UserServiceDefinition);
  const { database, where } = serviceDatabase(load(), service);
  const db = await openServiceDatabase<UserDB>({ config: database, service, migrations: userMigrations });
  try {
    const change = await createRoleAdmin(db, systemClock).setRoleOf(username, ROLE, granted);
    process.stdout.write(`surge admin: ${describe(change, granted)} (${where})\n`);
  } catch (err) {
    throw asUsageError(err);
  } finally {
    await db.close();
  }
}

/** `surge admin saga stuck` lists; `surge admin saga retry <gid>` hands one back. */
async function sagaCommand(action: string | undefined, rest: readonly string[], load: () => Readonly<Config>): Promise<void> {
  const wanted = action === 'stuck' ? 0 : action === 'retry' ? 1 : undefined;
  if (wanted === undefined) throw new ConfigError(`surge admin saga: stuck or retry <gid>; ${USAGE}`);
  if (rest.length !== wanted) throw new ConfigError(wanted === 0 ? `surge admin saga stuck takes no argument; ${USAGE}` : `surge admin saga retry: which transaction? ${USAGE}`);
  const service = serviceNameOf(OrderServiceDefinition);
  const { database, where } = serviceDatabase(load(), service);
  const db = await openServiceDatabase<OrderDB>({ config: database, service, migrations: orderMigrations });
  try {
    const sagas = createSagaAdmin(db, systemClock);
    if (action === 'stuck') {
      const stuck = await sagas.stuck(1000);
      if (stuck.length === 0) process.stdout.write(`surge admin: no saga transaction is stuck (${where})\n`);
      for (const s of stuck) {
        process.stdout.write(`${s.gid}  ${s.saga}  ${s.phase} ${s.branch}  ${s.attempts} attempts  since ${new Date(s.updatedAt).toISOString()}  ${s.error.message}\n`);
      }
      return;
    }
    const back = await sagas.handBack(rest[0]!);
    process.stdout.write(`surge admin: ${back.gid} (${back.saga}, ${back.phase} ${back.branch}) handed back; the order service takes it up within its saga poll (${where})\n`);
  } catch (err) {
    throw asUsageError(err);
  } finally {
    await db.close();
  }
}

/** A malformed or unknown username is the command line's fault: a ConfigError (status 2, like a bad setting). */
function asUsageError(err: unknown): unknown {
  const refused: readonly Code[] = [Code.InvalidArgument, Code.NotFound, Code.FailedPrecondition];
  return err instanceof SurgeError && refused.includes(err.code) ? new ConfigError(err.message, { cause: err }) : err;
}

function describe(c: RoleChange, granted: boolean): string {
  const who = `${c.username} (user ${c.userId})`;
  if (granted) return c.changed ? `${who} is now ${ROLE}` : `${who} already was ${ROLE}; nothing changed`;
  return c.changed ? `${who} is no longer ${ROLE}` : `${who} was not ${ROLE}; nothing changed`;
}

/**
 * A service's database as a host opens it (app/infra.ts), and where that is, for the message.
 * Embedded, a data dir without the file is refused rather than given an empty database: the
 * command was most likely pointed at the wrong data dir.
 */
function serviceDatabase(config: Readonly<Config>, service: string): { database: DatabaseConfig; where: string } {
  const database = databaseConfigOf(config, { poolSize: 1 });
  if (database.dialect === 'mysql') return { database, where: `database ${database.databasePrefix}_${service} on ${database.host}:${database.port}` };
  const file = join(database.dir, `${service}.sqlite`);
  if (!existsSync(file)) throw new ConfigError(`no ${service} database at ${file}: start Surge once with this data dir, or name the right one (SURGE_DATA, dataDir in --config)`);
  return { database, where: file };
}
