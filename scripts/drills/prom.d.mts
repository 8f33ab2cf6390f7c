// Types of prom.mjs, for the tests under test/drills.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Bucket {
  le: number;
  count: number;
}
export type LabelMatch = Record<string, string | RegExp>;
export function parseMetrics(text: string): Sample[];
export function scrape(url: string): Promise<Sample[]>;
export function select(samples: readonly Sample[], name: string, want?: LabelMatch): Sample[];
export function sum(samples: readonly Sample[], name: string, want?: LabelMatch): number;
export function buckets(samples: readonly Sample[], histogram: string, want?: LabelMatch): Bucket[];
export function increase(before: readonly Bucket[], after: readonly Bucket[]): Bucket[];
export function quantile(q: number, cumulative: readonly Bucket[]): number;
export function countOf(cumulative: readonly Bucket[]): number;
export function ms(seconds: number): string;
