#!/usr/bin/env node
// The `surge` command.
//   surge start                      the whole system in one process (what `npm start` runs)
//   surge serve <service>            one service in its own process, registered in etcd
//   surge gateway                    the HTTP gateway in its own process
//   surge up [--scale user=2]        every service and the gateway as separate processes
//   surge ps [--json]                the instances registered in etcd (default config: deploy/local/surge.yaml)
//   surge manifests [--check]        writes deploy/k8s/<process>.yaml from the module list (--check: fail if stale)
//   surge admin grant|revoke <user>  gives or takes the admin role (in the user service's database; works while Surge runs)
//   surge admin saga stuck|retry <gid>  lists order transactions waiting for an operator, or hands one back to the order service
//   surge seed mall                  writes the mall's demo catalog into an empty product database (the servers; embedded seeds itself)
// Each takes --config <file> (or SURGE_CONFIG); environment variables override the file.
// Each role is imported when it is chosen: `surge gateway` must not load the services' code,
// which the other roles reach through the module list.
import { ConfigError, loadConfig } from './config/index.js';
import { ps } from './roles/ps.js';
import { stopOn } from './roles/signals.js';

const [command = 'start', ...rest] = process.argv.slice(2);
const flag = (name: string) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};

async function main(): Promise<void> {
  const load = () => loadConfig({ file: flag('--config') });
  switch (command) {
    case 'start': {
      const { runAllInOne } = await import('./roles/all-in-one.js');
      return runAllInOne(load());
    }
    case 'serve': {
      const name = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--config');
      if (!name) throw new ConfigError('usage: surge serve <service> [--config file]');
      const { startServiceProcess } = await import('./roles/service-process.js');
      const config = load();
      const p = await startServiceProcess(config, name);
      const i = p.instance;
      process.stdout.write(`surge serve ${name}: instance ${i.id} pid ${i.pid} framed ${i.host}:${i.framedPort} grpc ${i.host}:${i.grpcPort} metrics ${p.metricsUrl}\n`);
      return stopOn(p.close, 'surge', { dataDir: config.dataDir, cpuSeconds: config.ops.profileSeconds });
    }
    case 'gateway': {
      const { startGatewayProcess } = await import('./roles/gateway-process.js');
      const config = load();
      const g = await startGatewayProcess(config);
      process.stdout.write(`surge gateway: ${g.url} (metrics ${g.opsUrl || g.url}/metrics, API docs ${g.url}/docs)\n`);
      return stopOn(g.close, 'surge', { dataDir: config.dataDir, cpuSeconds: config.ops.profileSeconds });
    }
    case 'up': {
      const { up } = await import('./roles/up.js');
      return up(rest);
    }
    case 'manifests': {
      const { manifests } = await import('./roles/manifests.js');
      return manifests(rest);
    }
    case 'admin': {
      const { admin } = await import('./roles/admin.js');
      // It signs and decrypts nothing: no secret is required, in any mode.
      return admin(rest, () => loadConfig({ file: flag('--config'), secretsUnused: true }));
    }
    case 'seed': {
      const { seed } = await import('./roles/seed.js');
      return seed(rest, () => loadConfig({ file: flag('--config'), secretsUnused: true }));
    }
    case 'ps':
      return ps(loadConfig({ file: flag('--config') ?? process.env.SURGE_CONFIG ?? 'deploy/local/surge.yaml', secretsUnused: true }), rest.includes('--json'));
    default:
      throw new ConfigError(`unknown command "${command}"; use start, serve, gateway, up, ps, manifests, admin or seed`);
  }
}

main().catch((err: unknown) => {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`surge: ${err instanceof ConfigError ? msg : `failed: ${msg}`}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
