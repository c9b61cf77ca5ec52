import { useLive } from '../live/index.ts';

const LABEL = { live: 'Live', reconnecting: 'Reconnecting…', paused: 'Paused' } as const;

/** The live stream's state as a dot, and the button to pause it. */
export function LiveDot() {
  const live = useLive();
  return (
    <div className="live" data-testid="live-status" data-status={live.status}>
      <span className={`dot dot-${live.status}`} aria-hidden="true" />
      <span>
        {LABEL[live.status]}
        <span className="muted"> · {live.transport}</span>
      </span>
      <button type="button" onClick={() => live.setPaused(!live.paused)} aria-pressed={live.paused}>
        {live.paused ? 'Resume live' : 'Pause live'}
      </button>
    </div>
  );
}
