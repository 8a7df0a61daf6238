import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { WindowAssigner } from "./assigner.ts";
import type { Trigger } from "./trigger.ts";
import { eventTimeTrigger, neverTrigger, processingTimeTrigger } from "./triggers.ts";
import type { GlobalWindow, TimeWindow } from "./window.ts";

/**
 * The start of the window of length `size` that holds `timestamp`, with window starts at
 * `offset + k * size` (Flink's `TimeWindow.getWindowStartWithOffset`). The modulo is the
 * mathematical one (never negative), so negative timestamps and offsets land in the right window.
 *
 * @example
 * windowStart(-1, 0, 10) // -10: the window [-10, 0)
 */
export function windowStart(timestamp: number, offset: number, size: number): number {
  // Floor division rather than `%`: V8's `%` on non-int32 numbers (epoch milliseconds) is a slow
  // library call. Exact for integers below 2^53.
  return offset + Math.floor((timestamp - offset) / size) * size;
}

/**
 * A tumbling assigner. Its `size` and `offset` are exposed so the window operator computes the one
 * window of a record inline, without the array `assignWindows` returns.
 *
 * @example
 * const perMinute: TumblingWindowAssigner = tumbling(minutes(1));
 * perMinute.assignWindows(90_000); // [{ start: 60_000, end: 120_000 }]
 */
export interface TumblingWindowAssigner extends WindowAssigner<TimeWindow> {
  /** Discriminates the built-in assigners. */
  readonly kind: "tumbling";
  /** Window length (ms). */
  readonly size: number;
  /** Shift of the window starts (ms): starts are `offset + k * size`. */
  readonly offset: number;
}

/**
 * A sliding assigner; `size`, `slide` and `offset` let the window operator skip `assignWindows`.
 *
 * @example
 * const fiveMinutesEveryMinute: SlidingWindowAssigner = sliding(minutes(5), minutes(1));
 * fiveMinutesEveryMinute.assignWindows(90_000).length; // 5
 */
export interface SlidingWindowAssigner extends WindowAssigner<TimeWindow> {
  /** Discriminates the built-in assigners. */
  readonly kind: "sliding";
  /** Window length (ms). */
  readonly size: number;
  /** Distance between window starts (ms). */
  readonly slide: number;
  /** Shift of the window starts (ms): starts are `offset + k * slide`. */
  readonly offset: number;
}

/**
 * A session assigner: windows of one key within `gap` of each other merge.
 *
 * @example
 * const visits: SessionWindowAssigner = session(minutes(30));
 * clicks.keyBy((c) => c.user).window(visits).aggregate(count());
 */
export interface SessionWindowAssigner extends WindowAssigner<TimeWindow> {
  /** Discriminates the built-in assigners. */
  readonly kind: "session";
  /** Inactivity (ms) that ends a session. */
  readonly gap: number;
}

/**
 * The assigner of `global()`: one window per key for all time.
 *
 * @example
 * const everything: GlobalWindowAssigner = global();
 * orders.keyBy((o) => o.customer).window(everything).trigger(countTrigger(5)).aggregate(count());
 */
export interface GlobalWindowAssigner extends WindowAssigner<GlobalWindow> {
  /** Discriminates the built-in assigners. */
  readonly kind: "global";
}

function requirePositive(what: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new PipelineDefinitionError(`${what}: ${name} must be a finite number > 0, got ${value}`);
  }
}

function requireOffset(what: string, offset: number, bound: number, boundName: string): void {
  if (!Number.isFinite(offset) || Math.abs(offset) >= bound) {
    throw new PipelineDefinitionError(
      `${what}: offset must be a finite number with |offset| < ${boundName} (${bound}), got ${offset}`,
    );
  }
}

function tumblingAssigner(
  name: string,
  size: number,
  offset: number,
  eventTime: boolean,
  trigger: () => Trigger<TimeWindow>,
): TumblingWindowAssigner {
  requirePositive(name, "size", size);
  requireOffset(name, offset, size, "size");
  return {
    kind: "tumbling",
    description: offset === 0 ? `${name}(${size})` : `${name}(${size}, ${offset})`,
    merging: false,
    eventTime,
    size,
    offset,
    assignWindows(timestamp) {
      const start = windowStart(timestamp, offset, size);
      return [{ start, end: start + size }];
    },
    defaultTrigger: trigger,
  };
}

function slidingAssigner(
  name: string,
  size: number,
  slide: number,
  offset: number,
  eventTime: boolean,
  trigger: () => Trigger<TimeWindow>,
): SlidingWindowAssigner {
  requirePositive(name, "size", size);
  requirePositive(name, "slide", slide);
  if (slide > size) {
    // Flink accepts this and silently loses the records that fall between windows; we refuse it.
    throw new PipelineDefinitionError(
      `${name}: slide (${slide}) must not exceed size (${size}), or records between windows would be lost`,
    );
  }
  requireOffset(name, offset, slide, "slide");
  return {
    kind: "sliding",
    description: offset === 0 ? `${name}(${size}, ${slide})` : `${name}(${size}, ${slide}, ${offset})`,
    merging: false,
    eventTime,
    size,
    slide,
    offset,
    assignWindows(timestamp) {
      // Latest window first, as Flink's SlidingEventTimeWindows does.
      const windows: TimeWindow[] = [];
      for (let start = windowStart(timestamp, offset, slide); start > timestamp - size; start -= slide) {
        windows.push({ start, end: start + size });
      }
      return windows;
    },
    defaultTrigger: trigger,
  };
}

/**
 * Event-time tumbling windows: fixed-size, non-overlapping `[start, start + size)` with starts at
 * `offset + k * size` (use the offset for time zones, e.g. daily windows at 00:00 UTC+2).
 *
 * Time semantics: a record belongs to the window holding its event time. By default the window
 * fires once when the watermark reaches `end − 1`; its result carries timestamp `end − 1`. Records
 * arriving after that are late: see `allowedLateness` and `sideOutputLateData`.
 *
 * @throws PipelineDefinitionError when `size` is not a finite number > 0 or `|offset| >= size`.
 * @example
 * clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).aggregate(count())
 */
export function tumbling(size: number, offset = 0): TumblingWindowAssigner {
  return tumblingAssigner("tumbling", size, offset, true, eventTimeTrigger);
}

/**
 * Event-time sliding (hopping) windows of length `size`, one starting every `slide` ms (at
 * `offset + k * slide`); a record belongs to `size / slide` windows (rounded up).
 *
 * Time semantics: as {@link tumbling}, per window: each fires when the watermark reaches its
 * `end − 1`, results stamped `end − 1`.
 *
 * @throws PipelineDefinitionError when `size` or `slide` is not a finite number > 0, when
 * `slide > size` (records between windows would be lost), or when `|offset| >= slide`.
 * @example
 * ticks.keyBy((t) => t.symbol).window(sliding(minutes(5), minutes(1))).aggregate(avg((t) => t.price))
 */
export function sliding(size: number, slide: number, offset = 0): SlidingWindowAssigner {
  return slidingAssigner("sliding", size, slide, offset, true, eventTimeTrigger);
}

/**
 * Event-time session windows: each record opens `[ts, ts + gap)`, and a key's windows that
 * overlap or touch merge (a record that bridges two sessions joins them), so a session ends after
 * `gap` ms without records of its key.
 *
 * Time semantics: a session fires when the watermark reaches its `end − 1` (the last record's time
 * + gap − 1); its result carries that timestamp. A late record that touches a live session is
 * merged into it (as in Flink); one that would open a session already past the allowed lateness
 * is late.
 *
 * @throws PipelineDefinitionError when `gap` is not a finite number > 0.
 * @example
 * clicks.keyBy((c) => c.user).window(session(minutes(30))).aggregate(count())
 */
export function session(gap: number): SessionWindowAssigner {
  requirePositive("session", "gap", gap);
  return {
    kind: "session",
    description: `session(${gap})`,
    merging: true,
    eventTime: true,
    gap,
    assignWindows: (timestamp) => [{ start: timestamp, end: timestamp + gap }],
    defaultTrigger: eventTimeTrigger,
  };
}

const GLOBAL_WINDOW: GlobalWindow = Object.freeze({
  start: Number.NEGATIVE_INFINITY,
  end: Number.POSITIVE_INFINITY,
});
const GLOBAL_WINDOWS: readonly GlobalWindow[] = Object.freeze([GLOBAL_WINDOW]);

/**
 * One window per key spanning all time (Flink's `GlobalWindows`). Its default trigger never fires:
 * set one, e.g. `.trigger(purging(countTrigger(100)))` for batches of 100 records.
 *
 * Time semantics: not event-time (nothing is ever late and records need no timestamp); results
 * carry timestamp `+Infinity` (the window's end − 1). At end of input, a window whose trigger is
 * not `neverTrigger` fires once more if it holds records not emitted yet; with `neverTrigger` its
 * contents are kept and never emitted.
 *
 * @example
 * orders.keyBy((o) => o.customer).window(global()).trigger(purging(countTrigger(10))).aggregate(sum((o) => o.amount))
 */
export function global(): GlobalWindowAssigner {
  return {
    kind: "global",
    description: "global()",
    merging: false,
    eventTime: false,
    assignWindows: () => GLOBAL_WINDOWS,
    defaultTrigger: neverTrigger,
  };
}

/**
 * Processing-time tumbling windows: a record goes to the window holding the processing time
 * (`context.clock`) at which it arrives; its event time is ignored and nothing is ever late.
 *
 * Time semantics: fires when processing time reaches `end − 1`; results carry timestamp `end − 1`
 * (a processing time). At end of input, windows still holding records fire at once.
 *
 * @throws PipelineDefinitionError when `size` is not a finite number > 0 or `|offset| >= size`.
 * @example
 * clicks.keyBy((c) => c.page).window(tumblingProcessingTime(seconds(10))).aggregate(count())
 */
export function tumblingProcessingTime(size: number, offset = 0): TumblingWindowAssigner {
  return tumblingAssigner("tumblingProcessingTime", size, offset, false, processingTimeTrigger);
}

/**
 * Processing-time sliding windows; see {@link sliding} for the shape and
 * {@link tumblingProcessingTime} for the time semantics.
 *
 * @throws PipelineDefinitionError as {@link sliding}.
 * @example
 * clicks.keyBy((c) => c.page).window(slidingProcessingTime(minutes(1), seconds(10))).aggregate(count())
 */
export function slidingProcessingTime(size: number, slide: number, offset = 0): SlidingWindowAssigner {
  return slidingAssigner("slidingProcessingTime", size, slide, offset, false, processingTimeTrigger);
}

/** @internal Whether `assigner` is `tumbling(...)` or `tumblingProcessingTime(...)`. */
export const isTumbling = (assigner: WindowAssigner<TimeWindow>): assigner is TumblingWindowAssigner =>
  (assigner as Partial<TumblingWindowAssigner>).kind === "tumbling";
/** @internal Whether `assigner` is `sliding(...)` or `slidingProcessingTime(...)`. */
export const isSliding = (assigner: WindowAssigner<TimeWindow>): assigner is SlidingWindowAssigner =>
  (assigner as Partial<SlidingWindowAssigner>).kind === "sliding";

/** @internal A tumbling or sliding assigner's grid: window starts at `offset + k * slide`, `size` long. */
export function gridOf(
  assigner: WindowAssigner<TimeWindow>,
): { readonly size: number; readonly slide: number; readonly offset: number } | undefined {
  if (isTumbling(assigner)) return { size: assigner.size, slide: assigner.size, offset: assigner.offset };
  if (isSliding(assigner)) return { size: assigner.size, slide: assigner.slide, offset: assigner.offset };
  return undefined;
}
