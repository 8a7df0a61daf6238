import type { AggregateFunction } from "@eddy/core";

/** One candlestick: the first, highest, lowest and last price of a window, and how many ticks. */
export interface Ohlc {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly ticks: number;
}

/** The accumulator: the bar, plus when its open and close were quoted. */
interface OhlcAccumulator extends Ohlc {
  readonly openTime: number;
  readonly closeTime: number;
}

/**
 * Open/high/low/close of `price(record)`: a user-written aggregate, incremental like the built-ins
 * (a window keeps one accumulator, not its ticks).
 *
 * Open and close go by event time, not arrival: the open is the price with the earliest `time`,
 * the close the one with the latest, so ticks that arrive out of order still give the right bar
 * (ties go by arrival: the first of equal earliest times opens, the last of equal latest closes).
 *
 * @example
 * ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(ohlc((t) => t.price, (t) => t.timestamp))
 * // → { key: "EURUSD", window, value: { open: 1.0842, high: 1.0851, low: 1.0839, close: 1.0848, ticks: 30 } }
 */
export function ohlc<T>(
  price: (value: T) => number,
  time: (value: T) => number,
): AggregateFunction<T, OhlcAccumulator | undefined, Ohlc> {
  return {
    create: () => undefined,
    add(bar, value) {
      const p = price(value);
      const t = time(value);
      if (bar === undefined)
        return { open: p, openTime: t, high: p, low: p, close: p, closeTime: t, ticks: 1 };
      const opens = t < bar.openTime;
      const closes = t >= bar.closeTime;
      return {
        open: opens ? p : bar.open,
        openTime: opens ? t : bar.openTime,
        high: Math.max(bar.high, p),
        low: Math.min(bar.low, p),
        close: closes ? p : bar.close,
        closeTime: closes ? t : bar.closeTime,
        ticks: bar.ticks + 1,
      };
    },
    // `a` holds the earlier arrivals, so it wins ties for the open and `b` wins them for the close.
    merge(a, b) {
      if (a === undefined) return b;
      if (b === undefined) return a;
      const opensB = b.openTime < a.openTime;
      const closesB = b.closeTime >= a.closeTime;
      return {
        open: opensB ? b.open : a.open,
        openTime: opensB ? b.openTime : a.openTime,
        high: Math.max(a.high, b.high),
        low: Math.min(a.low, b.low),
        close: closesB ? b.close : a.close,
        closeTime: closesB ? b.closeTime : a.closeTime,
        ticks: a.ticks + b.ticks,
      };
    },
    result(bar) {
      if (bar === undefined) throw new RangeError("ohlc(): no tick was aggregated, so there is no bar");
      return { open: bar.open, high: bar.high, low: bar.low, close: bar.close, ticks: bar.ticks };
    },
  };
}
