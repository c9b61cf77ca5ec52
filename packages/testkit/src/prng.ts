import { SeededRandom } from '@wick/market';

/** Tests call the shared generator Prng (the same mulberry32 the seed and the simulator draw from). */
export { SeededRandom as Prng };

/** The PRNG as a bare function, for code that only needs uniforms. */
export function uniform(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}
