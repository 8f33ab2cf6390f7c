// A small real video for upload tests: made with ffmpeg when it is installed, else bytes that
// begin as an MP4 does (the API stores and serves exactly what was uploaded either way).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeVideo } from '../../packages/kit/media/testing/fake-video.js';

export function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function sampleVideo(): { bytes: Uint8Array; name: string; type: string; real: boolean } {
  if (hasFfmpeg()) {
    const dir = mkdtempSync(join(tmpdir(), 'surge-video-'));
    try {
      const out = join(dir, 'clip.mp4');
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=160x120:rate=10', '-pix_fmt', 'yuv420p', out], { stdio: 'ignore', timeout: 30_000 });
      return { bytes: new Uint8Array(readFileSync(out)), name: 'clip.mp4', type: 'video/mp4', real: true };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Bytes that begin as an MP4 does, so the gateway's check of the container lets them through.
  return { bytes: new Uint8Array(fakeVideo(64 * 1024)), name: 'clip.mp4', type: 'video/mp4', real: false };
}
