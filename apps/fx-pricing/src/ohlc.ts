import type { AggregateFunction } from "@eddy/core";

/** One bar of a candlestick chart: first, highest, lowest and last price of a window. */
export interface Bar {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly ticks: number;
}

/**
 * Open/high/low/close of `price(record)`: a user-written aggregate, incremental like the built-ins.
 * Open and close follow arrival order within the window, as KDA's FIRST_VALUE/LAST_VALUE do.
 */
export function ohlc<T>(price: (value: T) => number): AggregateFunction<T, Bar | undefined, Bar> {
  return {
    create: () => undefined,
    add(bar, value) {
      const p = price(value);
      if (bar === undefined) return { open: p, high: p, low: p, close: p, ticks: 1 };
      return {
        open: bar.open,
        high: Math.max(bar.high, p),
        low: Math.min(bar.low, p),
        close: p,
        ticks: bar.ticks + 1,
      };
    },
    merge: (a, b) =>
      a === undefined
        ? b
        : b === undefined
          ? a
          : {
              open: a.open,
              high: Math.max(a.high, b.high),
              low: Math.min(a.low, b.low),
              close: b.close,
              ticks: a.ticks + b.ticks,
            },
    result: (bar) =>
      bar ?? { open: Number.NaN, high: Number.NaN, low: Number.NaN, close: Number.NaN, ticks: 0 },
  };
}
