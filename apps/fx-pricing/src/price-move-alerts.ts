import { type KeyedProcessFunction, listState } from "@eddy/core";

/** A price that moved more than the threshold within the window. */
export interface PriceMoveAlert {
  readonly symbol: string;
  readonly direction: "up" | "down";
  /** The relative move, `(to − from) / from`: 0.0062 is +0.62%. */
  readonly change: number;
  /** The lowest (up) or highest (down) price of the window, and when it was quoted (epoch ms). */
  readonly from: number;
  readonly fromTime: number;
  /** The price that moved, and when (epoch ms). */
  readonly to: number;
  readonly time: number;
}

/** Options of {@link priceMoveAlerts}. */
export interface PriceMoveOptions {
  /** The smallest relative move that alerts: 0.005 is 0.5%. */
  readonly threshold: number;
  /** How far back a move may start (ms of event time). */
  readonly within: number;
}

/** A price and its event time (ms). */
interface Quote {
  readonly time: number;
  readonly price: number;
}

const STATE = {
  /** Quotes that arrived but that the watermark has not passed yet. */
  pending: listState<Quote>(),
  /** Quotes already judged, of the last `within` ms, oldest first. */
  recent: listState<Quote>(),
};

/**
 * Alerts when a symbol's price moves by `threshold` or more within `within` of event time: a
 * user-written `KeyedProcessFunction`, keyed by symbol, with list state and event-time timers.
 *
 * Semantics. Each quote is judged against the symbol's quotes of the preceding `within` ms
 * (event time, `[t − within, t]`): an **up** alert when it is at least `threshold` above the
 * lowest of them, a **down** alert when it is at least `threshold` below the highest. After an
 * alert the window starts again from the alerting quote, so one move alerts once, and a move
 * that goes on alerts again only after another `threshold`.
 *
 * Event time, not arrival: quotes wait in `pending` until the watermark passes them (an
 * event-time timer at each quote's time), then are judged in timestamp order, ties in arrival
 * order. Any arrival order within the watermark's bound gives the same alerts. A quote that
 * arrives after the watermark passed it is judged at the next watermark, against the quotes seen
 * by then. A symbol that stops quoting has its window cleared by a timer `within` after its last
 * quote, so its state does not outlive its use. Alerts carry the moving quote's event time.
 *
 * @example
 * const alerts: DataStream<PriceMoveAlert> = ticks
 *   .map((t) => ({ symbol: t.symbol, price: t.price }))
 *   .keyBy((q) => q.symbol)
 *   .process(priceMoveAlerts({ threshold: 0.005, within: seconds(60) }));
 */
export function priceMoveAlerts(
  options: PriceMoveOptions,
): KeyedProcessFunction<string, { readonly price: number }, PriceMoveAlert, typeof STATE> {
  const { threshold, within } = options;
  return {
    state: STATE,

    processElement(quote, ctx) {
      ctx.state.pending.add({ time: ctx.timestamp, price: quote.price });
      ctx.timerService.registerEventTimeTimer(ctx.timestamp);
      ctx.timerService.registerEventTimeTimer(ctx.timestamp + within);
    },

    onTimer(time, ctx) {
      const pending = ctx.state.pending.get();
      const due = pending.filter((q) => q.time <= time);
      if (due.length > 0) {
        ctx.state.pending.update(pending.filter((q) => q.time > time));
        // Array.prototype.sort is stable: equal times stay in arrival order.
        due.sort((a, b) => a.time - b.time);
        let recent = ctx.state.recent.get();
        for (const quote of due) {
          recent = recent.filter((q) => q.time >= quote.time - within);
          let low: Quote | undefined;
          let high: Quote | undefined;
          for (const q of recent) {
            if (low === undefined || q.price < low.price) low = q;
            if (high === undefined || q.price > high.price) high = q;
          }
          const from =
            low && quote.price / low.price - 1 >= threshold
              ? low
              : high && quote.price / high.price - 1 <= -threshold
                ? high
                : undefined;
          if (from) {
            ctx.emit(
              {
                symbol: ctx.key,
                direction: quote.price > from.price ? "up" : "down",
                change: quote.price / from.price - 1,
                from: from.price,
                fromTime: from.time,
                to: quote.price,
                time: quote.time,
              },
              quote.time,
            );
            recent = [quote];
          } else {
            recent = [...recent, quote];
          }
        }
        ctx.state.recent.update(recent);
      }
      // The cleanup timer: nothing quoted for `within`, so nothing left to compare with.
      const recent = ctx.state.recent.get();
      const newest = recent[recent.length - 1];
      if (newest !== undefined && newest.time + within <= time) ctx.state.recent.clear();
    },
  };
}
