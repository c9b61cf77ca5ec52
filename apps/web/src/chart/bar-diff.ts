export type TimesChange = { kind: 'reset' } | { kind: 'tail'; from: number } | { kind: 'prepend'; count: number };

/**
 * How `next` relates to what is drawn: the same start with at most a few bars changed at the end
 * (a live tick: update() them), older bars added in front (history: setData, keep the view), or
 * anything else (setData).
 */
export function diffTimes(shown: readonly number[], next: readonly number[]): TimesChange {
  if (shown.length === 0 || next.length === 0) return { kind: 'reset' };
  if (next[0] === shown[0] && next.length >= shown.length && next.length - shown.length <= 5) {
    const from = Math.max(0, shown.length - 1);
    if (next[from] === shown[from]) return { kind: 'tail', from };
  }
  const at = next.indexOf(shown[0]!);
  if (at > 0 && next.length - at === shown.length && next[next.length - 1] === shown[shown.length - 1]) {
    return { kind: 'prepend', count: at };
  }
  return { kind: 'reset' };
}
