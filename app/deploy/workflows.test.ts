// The GitHub workflows stay faithful to what they mirror: ci.yml runs `bash .ci/run` with CI=true
// on the Node package.json's engines start at, after starting every server .ci/run expects (read
// from its `up <port> || <start the server>` lines, so a server added there fails here until
// ci.yml has it too); release.yml builds every image the manifests run from deploy/Dockerfile,
// pushes it, and applies deploy/k8s/ with those images. Each check returns its problems, so the
// last tests can show it refusing a broken workflow.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { manifestFiles } from './testing/k8s-schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

// Loose shapes of what the checks read from a workflow.
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  services?: Record<string, { image: string; ports?: (string | number)[] }>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

/** A server .ci/run starts when nothing answers on its port. */
interface ExpectedServer {
  port: number;
  /** The image family that provides it: mariadb, redis, nats. */
  image: string;
  /** Arguments the server must be started with (-js for JetStream). */
  args: string[];
}

const serverImages: Record<string, string> = { mariadbd: 'mariadb', 'redis-server': 'redis', 'nats-server': 'nats' };

/** The servers of .ci/run's `up <port> || …` lines. */
function expectedServers(ciRun: string): ExpectedServer[] {
  return [...ciRun.matchAll(/^up (\d+) \|\| (.*)$/gm)].map(([, port, start]) => {
    const binary = Object.keys(serverImages).find((b) => new RegExp(`(^|[/ ])${b}\\b`).test(start!));
    if (!binary) throw new Error(`.ci/run: no image known for the server of port ${port}: ${start}`);
    return { port: Number(port), image: serverImages[binary]!, args: / -js\b/.test(start!) ? ['-js'] : [] };
  });
}

/** A server a job provides: a service container, or a `docker run -d -p …` in a step (index: the step's). */
interface ProvidedServer {
  hostPorts: number[];
  image: string;
  args: string[];
  step: number;
}

/** The image's family: `mariadb:10.11` → mariadb, `docker.io/library/nats:2` → nats. */
const imageFamily = (image: string) => image.split('/').pop()!.split(/[:@]/)[0]!;
const hostPort = (mapping: string | number) => Number(String(mapping).split(':').at(-2) ?? mapping);

/** The server a `docker run` line starts: its published host ports, image and arguments. */
function dockerRun(line: string, step: number): ProvidedServer | undefined {
  const words = line.trim().split(/\s+/);
  const at = words.findIndex((w, i) => w === 'run' && words[i - 1] === 'docker');
  if (at < 0) return undefined;
  const withValue = new Set(['-p', '--publish', '--name', '-e', '--env', '-v', '--volume', '--network', '--health-cmd']);
  const hostPorts: number[] = [];
  let i = at + 1;
  for (; i < words.length && words[i]!.startsWith('-'); i++) {
    const [flag, inline] = words[i]!.split('=', 2) as [string, string | undefined];
    const value = inline ?? (withValue.has(flag) ? words[++i] : undefined);
    if ((flag === '-p' || flag === '--publish') && value) hostPorts.push(hostPort(value));
  }
  return { hostPorts, image: words[i] ?? '', args: words.slice(i + 1), step };
}

function providedServers(job: Job): ProvidedServer[] {
  const services = Object.values(job.services ?? {}).map((s) => ({ hostPorts: (s.ports ?? []).map(hostPort), image: s.image, args: [], step: -1 }));
  const started = job.steps.flatMap((s, i) => (s.run ?? '').split('\n').flatMap((line) => dockerRun(line, i) ?? []));
  return [...services, ...started];
}

const truthy = (v: unknown) => v === true || v === 'true';

/** The lowest Node major package.json's engines allow (">=20" → 20). */
function lowestNodeMajor(engines: string): number {
  const majors = [...engines.matchAll(/(\d+)(?:\.\d+)*/g)].map((m) => Number(m[1]));
  if (majors.length === 0) throw new Error(`engines.node names no version: ${engines}`);
  return Math.min(...majors);
}

/** What keeps ci.yml from mirroring .ci/run: [] when it does. */
function ciProblems(workflow: Workflow, servers: ExpectedServer[], nodeMajor: number): string[] {
  const found = Object.entries(workflow.jobs).flatMap(([name, job]) => {
    const step = job.steps.findIndex((s) => s.run?.trim() === 'bash .ci/run');
    return step < 0 ? [] : [{ name, job, step }];
  });
  if (found.length !== 1) return [`one job must run \`bash .ci/run\` as a step of its own; found ${found.length}`];
  const { name, job, step } = found[0]!;
  const problems: string[] = [];
  const ciRun = job.steps[step]!;
  if (![ciRun.env?.CI, job.env?.CI, workflow.env?.CI].some(truthy)) problems.push(`${name}: .ci/run must run with CI=true`);

  const provided = providedServers(job);
  for (const server of servers) {
    const match = provided.find((p) => p.hostPorts.includes(server.port));
    if (!match) {
      problems.push(`${name}: nothing serves port ${server.port} (${server.image}), which .ci/run expects`);
      continue;
    }
    if (imageFamily(match.image) !== server.image) problems.push(`${name}: port ${server.port} is served by ${match.image}, not ${server.image}`);
    const missing = server.args.filter((a) => !match.args.includes(a));
    if (missing.length > 0) problems.push(`${name}: ${match.image} on port ${server.port} runs without ${missing.join(' ')}`);
    if (match.step > step) problems.push(`${name}: ${match.image} starts after .ci/run`);
  }

  const setupNode = job.steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@'));
  const version = setupNode < 0 ? undefined : String(job.steps[setupNode]!.with?.['node-version'] ?? '');
  if (setupNode < 0 || setupNode > step) problems.push(`${name}: actions/setup-node must set up Node before .ci/run`);
  else if (Number(version!.replace(/^v/, '').split('.')[0]) !== nodeMajor) problems.push(`${name}: Node ${version}, but package.json's engines start at ${nodeMajor}`);
  return problems;
}

/** The images the manifests under deploy/k8s/ run, without their tags (surge, surge-video). */
function manifestImages(): string[] {
  const images = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'image' && typeof v === 'string') images.add(v.split(/[:@]/)[0]!);
        else collect(v);
      }
    }
  };
  for (const file of manifestFiles(`${root}deploy/k8s/`)) for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) collect(doc.toJS());
  return [...images].sort();
}

/** How deploy/Dockerfile says each image is built: its header's `docker build … [--target t] -t <image>:latest` lines. */
function dockerfileTargets(dockerfile: string): Map<string, string | undefined> {
  const targets = new Map<string, string | undefined>();
  for (const [, target, image] of dockerfile.matchAll(/^#\s+docker build -f deploy\/Dockerfile(?: --target (\S+))? -t ([\w.-]+):latest /gm)) targets.set(image!, target);
  return targets;
}

/** What keeps release.yml from shipping deploy/k8s/: [] when it does. */
function releaseProblems(workflow: Workflow, images: string[], targets: Map<string, string | undefined>): string[] {
  const problems: string[] = [];
  const tags = (workflow.on.push as { tags?: string[] } | undefined)?.tags ?? [];
  if (!tags.includes('v*')) problems.push('release must run on tags v*');
  if (!('workflow_dispatch' in workflow.on)) problems.push('release must be startable by hand (workflow_dispatch)');

  const jobs = Object.entries(workflow.jobs);
  const builds = jobs.flatMap(([name, job]) => job.steps.filter((s) => s.uses?.startsWith('docker/build-push-action@')).map((s) => ({ name, with: s.with ?? {} })));
  const deploy = jobs.find(([, job]) => job.steps.some((s) => s.run?.includes('kubectl apply')));
  if (!deploy) return [...problems, 'no job runs kubectl apply'];
  const [deployName, deployJob] = deploy;
  const deployText = JSON.stringify(deployJob);

  for (const image of images) {
    if (!targets.has(image)) {
      problems.push(`deploy/k8s runs ${image}, which deploy/Dockerfile's header does not say how to build`);
      continue;
    }
    const build = builds.find((b) => String(b.with.tags ?? '').split(/[\n,]/).some((t) => new RegExp(`^ghcr\\.io/.+/${image}:`).test(t.trim())));
    if (!build) {
      problems.push(`no docker/build-push-action step pushes ghcr.io/…/${image}`);
      continue;
    }
    if (build.with.file !== 'deploy/Dockerfile') problems.push(`${image} is not built from deploy/Dockerfile`);
    if (build.with.target !== targets.get(image)) problems.push(`${image} is built with target ${String(build.with.target)}, deploy/Dockerfile says ${String(targets.get(image))}`);
    if (!truthy(build.with.push)) problems.push(`${image} is built but not pushed`);
    const needs = [deployJob.needs ?? []].flat();
    if (!needs.includes(build.name) || !new RegExp(`^ghcr\\.io/.+/${image}@`).test(workflow.jobs[build.name]!.outputs?.[image] ?? '')) {
      problems.push(`${deployName} does not get ${image}'s pushed digest from ${build.name}'s outputs`);
    }
    const fromOutputs = new RegExp(`needs\\.${build.name}\\.outputs\\.${image.replaceAll('.', '\\.')}(?![\\w-])`);
    if (!fromOutputs.test(deployText) || !deployText.includes(`- name: ${image}\\"`)) {
      problems.push(`${deployName} does not put the pushed ${image} in place of the manifests' one`);
    }
  }
  for (const needed of ['cp -r deploy/k8s', 'kubectl apply', 'kubectl rollout status', 'secrets.KUBECONFIG_B64']) {
    if (!deployText.includes(needed)) problems.push(`${deployName} does not run ${needed}`);
  }
  return problems;
}

const ciRun = read('.ci/run');
const servers = expectedServers(ciRun);
const nodeMajor = lowestNodeMajor((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node);
const ci = () => parse(read('.github/workflows/ci.yml')) as Workflow;
const release = () => parse(read('.github/workflows/release.yml')) as Workflow;
const targets = dockerfileTargets(read('deploy/Dockerfile'));
const images = manifestImages();

describe('ci.yml', () => {
  it(".ci/run's servers are read from it: MariaDB 3306, Redis 6379, NATS 4222 with JetStream", () => {
    expect(servers).toEqual([
      { port: 3306, image: 'mariadb', args: [] },
      { port: 6379, image: 'redis', args: [] },
      { port: 4222, image: 'nats', args: ['-js'] },
    ]);
  });

  it('runs bash .ci/run with CI=true, every server it expects started first, on the Node engines start at', () => {
    expect(ciProblems(ci(), servers, nodeMajor)).toEqual([]);
  });

  it('fails when it stops mirroring .ci/run', () => {
    const job = (w: Workflow) => Object.values(w.jobs)[0]!;
    const broken = (change: (w: Workflow) => void) => {
      const w = ci();
      change(w);
      return ciProblems(w, servers, nodeMajor);
    };
    expect(broken((w) => delete job(w).steps.find((s) => s.run === 'bash .ci/run')!.env)).toEqual([expect.stringContaining('CI=true')]);
    expect(broken((w) => delete job(w).services!.redis)).toEqual([expect.stringContaining('nothing serves port 6379')]);
    expect(broken((w) => (job(w).services!.mariadb!.image = 'postgres:16'))).toEqual([expect.stringContaining('port 3306 is served by postgres:16')]);
    const nats = (w: Workflow) => job(w).steps.find((s) => s.run?.includes('docker run'))!;
    expect(broken((w) => (nats(w).run = nats(w).run!.replace(' -js', '')))).toEqual([expect.stringContaining('runs without -js')]);
    expect(broken((w) => job(w).steps.push(job(w).steps.splice(job(w).steps.indexOf(nats(w)), 1)[0]!))).toEqual([expect.stringContaining('starts after .ci/run')]);
    expect(broken((w) => (job(w).steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version'] = 22))).toEqual([expect.stringContaining('Node 22')]);
    expect(broken((w) => (job(w).steps.find((s) => s.run === 'bash .ci/run')!.run = 'npm test'))).toEqual([expect.stringContaining('bash .ci/run')]);
    expect(ciProblems(ci(), [...servers, { port: 2379, image: 'etcd', args: [] }], nodeMajor)).toEqual([expect.stringContaining('nothing serves port 2379')]);
  });

  it('reads a server added to .ci/run, and refuses one it cannot tell the image of', () => {
    expect(expectedServers('up 5432 || start-stop-daemon --start --exec /usr/sbin/mariadbd || true')).toEqual([{ port: 5432, image: 'mariadb', args: [] }]);
    expect(() => expectedServers('up 2379 || etcd --data-dir /tmp/e &')).toThrow(/port 2379/);
  });

  it('takes the lowest Node major of engines', () => {
    expect(lowestNodeMajor('>=20')).toBe(20);
    expect(lowestNodeMajor('^20.11 || >=22')).toBe(20);
  });
});

describe('release.yml', () => {
  it('the manifests run the images deploy/Dockerfile says how to build', () => {
    expect(images).toEqual(['surge', 'surge-video']);
    expect([...targets]).toEqual([
      ['surge', undefined],
      ['surge-video', 'video'],
    ]);
  });

  it('on a tag v*, builds and pushes every image of deploy/k8s/ from deploy/Dockerfile and applies deploy/k8s/ with them', () => {
    expect(releaseProblems(release(), images, targets)).toEqual([]);
  });

  it('fails when it stops shipping deploy/k8s/', () => {
    const broken = (change: (w: Workflow) => void, imagesRun = images) => {
      const w = release();
      change(w);
      return releaseProblems(w, imagesRun, targets);
    };
    const build = (w: Workflow, image: string) => w.jobs.images!.steps.find((s) => String(s.with?.tags ?? '').includes(`/${image}:`))!;
    expect(broken((w) => delete w.on.push)).toEqual(['release must run on tags v*']);
    expect(broken((w) => delete build(w, 'surge-video').with!.target)).toEqual([expect.stringContaining('surge-video is built with target undefined')]);
    expect(broken((w) => (build(w, 'surge').with!.file = 'Dockerfile'))).toEqual(['surge is not built from deploy/Dockerfile']);
    expect(broken(() => {}, [...images, 'surge-worker'])).toEqual([expect.stringContaining('surge-worker, which deploy/Dockerfile')]);
    expect(broken((w) => (w.jobs.deploy!.steps = w.jobs.deploy!.steps.filter((s) => !s.run?.includes('rollout status'))))).toEqual(['deploy does not run kubectl rollout status']);
    expect(broken((w) => delete w.jobs.deploy!.env!.SURGE_VIDEO_IMAGE)).toEqual(['deploy does not put the pushed surge-video in place of the manifests\' one']);
  });
});

describe('docs/deploy.md', () => {
  it('names every secret and variable the workflows read', () => {
    const doc = read('docs/deploy.md');
    const workflows = read('.github/workflows/ci.yml') + read('.github/workflows/release.yml');
    const names = [...new Set([...workflows.matchAll(/\b(?:secrets|vars)\.(\w+)/g)].map((m) => m[1]!))].filter((n) => n !== 'GITHUB_TOKEN');
    expect(names.sort()).toEqual(['K8S_NAMESPACE', 'KUBECONFIG_B64', 'KUBECTL_VERSION']);
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });
});
