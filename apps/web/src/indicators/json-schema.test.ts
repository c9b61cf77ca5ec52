import { describe, expect, it } from 'vitest';
import { fieldValue, paramFields } from './json-schema.ts';

describe('params form from JSON Schema', () => {
  it('reads types, defaults and bounds in order', () => {
    const schema = {
      type: 'object',
      properties: {
        period: { default: 20, type: 'integer', minimum: 2, maximum: 100000 },
        stdDev: { default: 2, type: 'number', minimum: 0, maximum: 100 },
        mode: { enum: ['a', 'b'] },
      },
    };
    expect(paramFields(schema, { period: 20, stdDev: 2 })).toEqual([
      { name: 'period', type: 'integer', default: 20, minimum: 2, maximum: 100000 },
      { name: 'stdDev', type: 'number', default: 2, minimum: 0, maximum: 100 },
      { name: 'mode', type: 'enum', default: undefined, options: ['a', 'b'] },
    ]);
  });

  it('turns form text into values, leaving out-of-bounds numbers for the API to judge', () => {
    const period = { name: 'period', type: 'integer' as const, default: 14, minimum: 2 };
    expect(fieldValue(period, '1')).toBe(1);
    expect(fieldValue(period, '')).toBeUndefined();
    expect(fieldValue(period, 'abc')).toBe('abc');
  });
});
