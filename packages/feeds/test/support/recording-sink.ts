import type { CandleInput, IngestSink, LiquidationEvent } from '../../src/index.ts';

export type SinkCall = { kind: 'candles'; symbol: string; candles: CandleInput[] } | { kind: 'liquidations'; events: LiquidationEvent[] };

/**
 * An IngestSink that records every call (pure logic, no server). `failWith` scripts failures: each
 * call takes the next entry (an error to throw, or null to succeed) until the script runs out.
 * `forward` also passes accepted calls on to another sink (to record what reached a real server).
 */
export class RecordingSink implements IngestSink {
  readonly calls: SinkCall[] = [];
  readonly failed: SinkCall[] = [];
  private readonly script: (Error | null)[] = [];

  constructor(private readonly forward?: IngestSink) {}

  failWith(...outcomes: (Error | null)[]): void {
    this.script.push(...outcomes);
  }

  async candles(symbol: string, candles: CandleInput[]): Promise<void> {
    await this.record({ kind: 'candles', symbol, candles: candles.map((c) => ({ ...c })) }, () => this.forward?.candles(symbol, candles));
  }

  async liquidations(events: LiquidationEvent[]): Promise<void> {
    await this.record({ kind: 'liquidations', events: events.map((e) => ({ ...e })) }, () => this.forward?.liquidations(events));
  }

  /** Every candle update sent for `symbol`, in the order sent. */
  candleUpdates(symbol: string): CandleInput[] {
    return this.calls.flatMap((c) => (c.kind === 'candles' && c.symbol === symbol ? c.candles : []));
  }

  /** The last state sent of each candle of `symbol`, by open time. */
  latestCandles(symbol: string): Map<number, CandleInput> {
    const out = new Map<number, CandleInput>();
    for (const c of this.candleUpdates(symbol)) out.set(c.time, c);
    return out;
  }

  liquidationEvents(): LiquidationEvent[] {
    return this.calls.flatMap((c) => (c.kind === 'liquidations' ? c.events : []));
  }

  private async record(call: SinkCall, send: () => Promise<void> | undefined): Promise<void> {
    const scripted = this.script.shift();
    if (scripted) {
      this.failed.push(call);
      throw scripted;
    }
    await send();
    this.calls.push(call);
  }
}
