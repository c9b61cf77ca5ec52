import { useLive, useLiveStatus } from '../live/index.ts';

const LABEL = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  failed: 'Live stream refused',
  paused: 'Paused',
  idle: 'Not live',
} as const;

/** The live streams' state as a dot (worst stream wins), and the button to pause them. */
export function LiveDot() {
  const live = useLive();
  const { status, streams } = useLiveStatus();
  return (
    <div className="live" data-testid="live-status" data-status={status} data-streams={streams}>
      <span className={`dot dot-${status}`} aria-hidden="true" />
      <span>
        {LABEL[status]}
        {status !== 'paused' && (
          <span className="muted">
            {' '}
            · {streams} {streams === 1 ? 'stream' : 'streams'}
          </span>
        )}
      </span>
      <button type="button" onClick={() => live.setPaused(!live.paused)} aria-pressed={live.paused}>
        {live.paused ? 'Resume live' : 'Pause live'}
      </button>
    </div>
  );
}
