/**
 * A window of event time: `[start, end)`, end exclusive as in Flink. Its results carry timestamp
 * `end - 1` (the window's max timestamp). The global window spans all time.
 */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** The single window of `global()`: every record of a key, fired only by a custom trigger. */
export interface GlobalWindow extends TimeWindow {
  readonly start: typeof Number.NEGATIVE_INFINITY;
  readonly end: typeof Number.POSITIVE_INFINITY;
}

/** The last timestamp inside a window; results of a firing carry it. */
export function maxTimestamp(window: TimeWindow): number {
  return window.end - 1;
}

/** What a window operator emits for one firing of one key's window. */
export interface WindowResult<TKey, TWindow extends TimeWindow, TValue> {
  readonly key: TKey;
  readonly window: TWindow;
  readonly value: TValue;
}
