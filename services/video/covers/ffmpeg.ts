// Running ffmpeg: a probe (is the binary there and working?) and the one command that takes the
// first frame of a video as a JPEG. Each run is killed when it outlives its timeout, so a
// broken or hostile upload cannot hold a publish forever.
//
// ffmpeg is never left to guess what an upload is: guessing lets the file choose its demuxer,
// and an HLS playlist, a concat list or an image-sequence pattern then makes ffmpeg read other
// files of the server (a frame of which would be published as the cover). The container is
// sniffed from the file's first bytes by the caller, the demuxer forced from it, and the input
// may open nothing but the one local file.
import { spawn } from 'node:child_process';
import type { Clock } from '#kit/clock';
import type { VideoContainer } from '#kit/media';

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

/** ffmpeg's demuxer for each container #kit/media recognises (`mov` reads MP4, MOV, M4V and 3GP). */
export const DEMUXERS: Readonly<Record<VideoContainer, string>> = Object.freeze({ 'iso-bmff': 'mov', matroska: 'matroska', avi: 'avi', flv: 'flv', 'mpeg-ts': 'mpegts' });

/** Frames larger than 8K UHD (7680 × 4320) are not decoded: no phone records more, and a forged size would cost memory. */
const MAX_PIXELS = 7680 * 4320;

/** The arguments that take the first frame of `input`, a file of `container`, as a JPEG at `output`. */
export function frameArgs(input: string, container: VideoContainer, output: string): string[] {
  const demuxer = DEMUXERS[container];
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    // Read the input as the sniffed container, with no other demuxer (not even one nested in
    // it) and no protocol but the local file: nothing in the file can point ffmpeg elsewhere.
    '-f', demuxer, '-format_whitelist', demuxer, '-protocol_whitelist', 'file',
    // MOV data references may name other files; ffmpeg ignores them by default, said here so it stays so.
    ...(container === 'iso-bmff' ? ['-enable_drefs', '0'] : []),
    '-max_pixels', String(MAX_PIXELS),
    '-ss', '0', '-i', input,
    '-map', '0:v:0', '-frames:v', '1', '-f', 'image2', output,
  ];
}

/** Writes the first frame of `input` (a file of `container`) to `output` (JPEG); throws an Error saying why it could not. */
export async function grabFirstFrame(bin: string, input: string, container: VideoContainer, output: string, clock: Clock, timeoutMs: number): Promise<void> {
  const args = frameArgs(input, container, output);
  const r = await run(bin, args, clock, timeoutMs);
  if (r.timedOut) throw new Error(`ffmpeg took longer than ${timeoutMs} ms`);
  if (r.code !== 0) throw new Error(`ffmpeg exited with ${r.code}${r.stderr ? `: ${r.stderr}` : ''}`);
}
