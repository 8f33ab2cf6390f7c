// Running ffmpeg: a probe (is the binary there and working?) and the one command that takes the
// first frame of a video as a JPEG. Each run is killed when it outlives its timeout, so a
// broken or hostile upload cannot hold a publish forever.
import { spawn } from 'node:child_process';
import type { Clock } from '#kit/clock';

/** Enough of ffmpeg's complaint to say why it failed, without keeping a flood of output. */
const MAX_STDERR = 2000;

export interface RunOutcome {
  /** Exit code, or null when killed. */
  code: number | null;
  timedOut: boolean;
  stderr: string;
}

/** Runs bin; rejects when it cannot be started at all (ENOENT: not installed). */
export function run(bin: string, args: readonly string[], clock: Clock, timeoutMs: number): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    let settled = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr = (stderr + chunk).slice(0, MAX_STDERR);
    });
    const timer = clock.after(timeoutMs, () => {
      timedOut = true;
      child.kill('SIGKILL');
    });
    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      reject(err);
    });
    child.once('close', (code) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      resolve({ code, timedOut, stderr: stderr.trim() });
    });
  });
}

export type Probe = { ok: true } | { ok: false; missing: boolean; reason: string };

/** `ffmpeg -version`: ok when it starts and exits 0. */
export async function probeFfmpeg(bin: string, clock: Clock, timeoutMs: number): Promise<Probe> {
  try {
    const r = await run(bin, ['-version'], clock, timeoutMs);
    if (r.code === 0) return { ok: true };
    return { ok: false, missing: false, reason: r.timedOut ? `"${bin} -version" timed out` : `"${bin} -version" exited with ${r.code}: ${r.stderr}` };
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, reason: missing ? `${bin} not found` : String((err as Error).message) };
  }
}

/** Writes the first frame of `input` to `output` (JPEG); throws an Error saying why it could not. */
export async function grabFirstFrame(bin: string, input: string, output: string, clock: Clock, timeoutMs: number): Promise<void> {
  const args = ['-hide_banner', '-loglevel', 'error', '-ss', '0', '-i', input, '-frames:v', '1', '-f', 'image2', output];
  const r = await run(bin, args, clock, timeoutMs);
  if (r.timedOut) throw new Error(`ffmpeg took longer than ${timeoutMs} ms`);
  if (r.code !== 0) throw new Error(`ffmpeg exited with ${r.code}${r.stderr ? `: ${r.stderr}` : ''}`);
}
