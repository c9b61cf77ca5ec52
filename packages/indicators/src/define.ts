import type { z } from 'zod';
import type { IndicatorDefinition } from './types.ts';

/**
 * Typed at the definition, erased in the registry: the registry only ever hands a definition
 * params that its own schema produced, so the widening is sound.
 */
export function defineIndicator<S extends z.ZodType<Record<string, unknown>>>(
  def: Omit<IndicatorDefinition<z.output<S>>, 'params'> & { params: S },
): IndicatorDefinition {
  return def as unknown as IndicatorDefinition;
}
