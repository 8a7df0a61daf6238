/**
 * A window of event time: `[start, end)`, end exclusive as in Flink. Its results carry timestamp
 * `end - 1` (the window's max timestamp). The global window spans all time.
 *
 * @example
 * const minute: TimeWindow = { start: 60_000, end: 120_000 };
 * const holds = (w: TimeWindow, timestamp: number) => w.start <= timestamp && timestamp < w.end;
 */
export interface TimeWindow {
  /** First instant of the window (inclusive, ms). */
  readonly start: number;
  /** End of the window (exclusive, ms). */
  readonly end: number;
}

/**
 * The single window of `global()`: every record of a key, fired only by a custom trigger.
 *
 * @example
 * const batches: DataStream<WindowResult<string, GlobalWindow, number>> = orders
 *   .keyBy((o) => o.customer)
 *   .window(global())
 *   .trigger(purging(countTrigger(10)))
 *   .aggregate(sum((o) => o.amount));
 */
export interface GlobalWindow extends TimeWindow {
  /** `-Infinity`. */
  readonly start: typeof Number.NEGATIVE_INFINITY;
  /** `+Infinity`. */
  readonly end: typeof Number.POSITIVE_INFINITY;
}

/**
 * The last timestamp inside a window; results of a firing carry it.
 *
 * @example
 * maxTimestamp({ start: 0, end: 60_000 }); // 59_999
 */
export function maxTimestamp(window: TimeWindow): number {
  return window.end - 1;
}

/**
 * What a window operator emits for one firing of one key's window, stamped `window.end - 1`.
 *
 * @example
 * const perMinute: DataStream<WindowResult<string, TimeWindow, number>> = clicks
 *   .keyBy((c) => c.page)
 *   .window(tumbling(minutes(1)))
 *   .aggregate(count());
 * perMinute.map((r) => `${r.key} ${new Date(r.window.start).toISOString()} ${r.value}`);
 */
export interface WindowResult<TKey, TWindow extends TimeWindow, TValue> {
  /** The key whose window fired. */
  readonly key: TKey;
  /** The window. */
  readonly window: TWindow;
  /** The aggregate (or reduced value) at this firing. */
  readonly value: TValue;
}
