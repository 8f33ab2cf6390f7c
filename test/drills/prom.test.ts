// The drills' reading of /metrics: parsing, summing buckets over series, the increase over a
// window, and the quantile as PromQL's histogram_quantile() computes it.
import { describe, expect, it } from 'vitest';
import { buckets, increase, parseMetrics, quantile, sum } from '../../scripts/drills/prom.mjs';

const page = `# HELP surge_rpc_duration_seconds RPC latency
# TYPE surge_rpc_duration_seconds histogram
surge_rpc_duration_seconds_bucket{side="server",service="s",method="A",code="0",le="0.1"} 10
surge_rpc_duration_seconds_bucket{side="server",service="s",method="A",code="0",le="0.5"} 30
surge_rpc_duration_seconds_bucket{side="server",service="s",method="A",code="0",le="+Inf"} 40
surge_rpc_duration_seconds_bucket{side="server",service="s",method="A",code="50301",le="0.1"} 5
surge_rpc_duration_seconds_bucket{side="server",service="s",method="A",code="50301",le="0.5"} 5
surge_rpc_duration_seconds_bucket{side="server",service="s",method="A",code="50301",le="+Inf"} 5
surge_rpc_duration_seconds_bucket{side="client",service="s",method="A",code="0",le="0.1"} 1
surge_rpc_duration_seconds_bucket{side="client",service="s",method="A",code="0",le="0.5"} 1
surge_rpc_duration_seconds_bucket{side="client",service="s",method="A",code="0",le="+Inf"} 1
surge_rpc_duration_seconds_sum{side="server",service="s",method="A",code="0"} 12.5
surge_nodejs_eventloop_lag_p99_seconds{service="user"} 0.0123
surge_build_info 1
`;

describe('drills: reading /metrics', () => {
  it('parses names, labels (escapes included) and values, skipping comments', () => {
    const samples = parseMetrics(`${page}x_total{path="a\\"b\\\\c"} 3\n`);
    expect(samples).toHaveLength(13);
    expect(samples.at(-3)).toEqual({ name: 'surge_nodejs_eventloop_lag_p99_seconds', labels: { service: 'user' }, value: 0.0123 });
    expect(samples.at(-2)).toEqual({ name: 'surge_build_info', labels: {}, value: 1 });
    expect(samples.at(-1)!.labels.path).toBe('a"b\\c');
  });

  it('sums the buckets of every matching series by le, +Inf last', () => {
    const samples = parseMetrics(page);
    expect(buckets(samples, 'surge_rpc_duration_seconds', { side: 'server' })).toEqual([
      { le: 0.1, count: 15 },
      { le: 0.5, count: 35 },
      { le: Infinity, count: 45 },
    ]);
    expect(buckets(samples, 'surge_rpc_duration_seconds', { side: 'server', code: /^0$/ })).toEqual([
      { le: 0.1, count: 10 },
      { le: 0.5, count: 30 },
      { le: Infinity, count: 40 },
    ]);
    expect(sum(samples, 'surge_rpc_duration_seconds_sum', { method: 'A' })).toBe(12.5);
  });

  it('interpolates inside the bucket the rank falls in, as histogram_quantile does', () => {
    const b = [
      { le: 0.1, count: 50 },
      { le: 0.2, count: 90 },
      { le: 1, count: 100 },
      { le: Infinity, count: 100 },
    ];
    // rank 50 is the top of the first bucket; rank 70 is halfway through (0.1, 0.2]; rank 99 is 9/10 of (0.2, 1].
    expect(quantile(0.5, b)).toBeCloseTo(0.1, 12);
    expect(quantile(0.25, b)).toBeCloseTo(0.05, 12);
    expect(quantile(0.7, b)).toBeCloseTo(0.15, 12);
    expect(quantile(0.99, b)).toBeCloseTo(0.92, 12);
  });

  it('answers the largest finite bound when the rank is in the +Inf bucket, and NaN with no observations', () => {
    expect(quantile(0.99, [{ le: 0.1, count: 1 }, { le: 5, count: 2 }, { le: Infinity, count: 10 }])).toBe(5);
    expect(quantile(0.99, [{ le: 0.1, count: 0 }, { le: Infinity, count: 0 }])).toBeNaN();
    expect(quantile(0.99, [])).toBeNaN();
  });

  it('takes the increase between two scrapes, so a window shows only its own calls', () => {
    const before = [{ le: 0.1, count: 1000 }, { le: 1, count: 1000 }, { le: Infinity, count: 1000 }];
    const after = [{ le: 0.1, count: 1000 }, { le: 1, count: 1090 }, { le: Infinity, count: 1100 }];
    const w = increase(before, after);
    expect(w).toEqual([{ le: 0.1, count: 0 }, { le: 1, count: 90 }, { le: Infinity, count: 100 }]);
    // Since start the p50 is in the first bucket; over the window it is not.
    expect(quantile(0.5, after)).toBeLessThanOrEqual(0.1);
    expect(quantile(0.5, w)).toBeCloseTo(0.1 + 0.9 * (50 / 90), 12);
    // A series born inside the window counts from zero.
    expect(increase([], after)).toEqual(after);
  });
});
