// Types of cpuprofile.mjs, for the tests under test/drills.
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
  scriptId?: string;
}
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[]; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
export interface SelfTime {
  name: string;
  location: string;
  selfMs: number;
  share: number;
}
export function location(callFrame: CallFrame, root?: string): string;
export function topSelfTime(profile: CpuProfile, options?: { n?: number; root?: string }): { totalMs: number; idleMs: number; top: SelfTime[] };
