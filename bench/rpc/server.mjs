// The server process of one stack (spawned by run.mjs with an IPC channel). It counts the calls
// it serves and, on each "mark", reports its CPU time and that count, so the runner can divide
// this process's CPU over a window by the calls it served in it.
//
//   node bench/rpc/server.mjs <stack> <moleculer namespace>
import { startServer } from './stacks.mjs';

const [stack, namespace] = process.argv.slice(2);
let calls = 0;
const server = await startServer(stack, { namespace, onCall: () => calls++ });

process.on('message', async (m) => {
  if (m.cmd === 'mark') {
    process.send({ id: m.id, cpu: process.cpuUsage(), calls });
  } else if (m.cmd === 'stop') {
    await server.close().catch(() => undefined);
    process.send({ id: m.id });
    // A normal exit, so `--cpu-prof` writes its profile.
    process.exit(0);
  }
});
// The runner is gone (crashed or killed): leave with it.
process.on('disconnect', () => process.exit(0));
process.send({ id: 0, ready: true, info: server.info });
