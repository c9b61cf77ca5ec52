import { describe, expect, it } from 'vitest';
import { parsePrometheus, procedureLatencies, sampleValue } from './prometheus.ts';

const TEXT = `# HELP wick_request_duration_quantiles_seconds tRPC procedure duration p50/p95/p99
# TYPE wick_request_duration_quantiles_seconds summary
wick_request_duration_quantiles_seconds{quantile="0.5",procedure="candles.range"} 0.0021
wick_request_duration_quantiles_seconds{quantile="0.95",procedure="candles.range"} 0.004
wick_request_duration_quantiles_seconds{quantile="0.99",procedure="candles.range"} 0.009
wick_request_duration_quantiles_seconds_sum{procedure="candles.range"} 0.5
wick_request_duration_quantiles_seconds{quantile="0.5",procedure="noop"} NaN
wick_cache_hit_ratio 0.93
wick_db_pool_connections{state="in_use"} 2
`;

describe('Prometheus text', () => {
  it('reads samples with labels', () => {
    const samples = parsePrometheus(TEXT);
    expect(sampleValue(samples, 'wick_cache_hit_ratio')).toBe(0.93);
    expect(sampleValue(samples, 'wick_db_pool_connections', { state: 'in_use' })).toBe(2);
    expect(sampleValue(samples, 'missing')).toBeNull();
  });

  it('gives p50/p95/p99 in ms per procedure, skipping ones without calls', () => {
    expect(procedureLatencies(parsePrometheus(TEXT))).toEqual([{ procedure: 'candles.range', p50: 2.1, p95: 4, p99: 9 }]);
  });
});
