import type { TimeWindow } from "./window.ts";

/**
 * What a trigger decides for a window: fire (emit its result) and/or purge (drop its contents).
 *
 * @example
 * const decide = (count: number): TriggerResult => (count >= 100 ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE);
 */
export const TriggerResult = {
  /** Do nothing. */
  CONTINUE: 0,
  /** Emit the window's result and keep its contents (later firings include them). */
  FIRE: 1,
  /** Drop the window's contents without emitting. */
  PURGE: 2,
  /** Emit the result, then drop the contents. */
  FIRE_AND_PURGE: 3,
} as const;
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

/**
 * What a trigger may do for the window it is asked about (scoped to one key and one window).
 *
 * @example
 * // Fires every 10th record of a window, keeping the count as trigger state.
 * const everyTenth: Trigger = {
 *   description: "everyTenth()",
 *   onElement(_timestamp, _window, ctx: TriggerContext) {
 *     const n = (ctx.getState<number>() ?? 0) + 1;
 *     ctx.setState(n % 10);
 *     return n % 10 === 0 ? TriggerResult.FIRE : TriggerResult.CONTINUE;
 *   },
 *   onEventTime: () => TriggerResult.CONTINUE,
 *   onProcessingTime: () => TriggerResult.CONTINUE,
 *   clear: (_window, ctx) => ctx.setState(undefined),
 * };
 */
export interface TriggerContext {
  /** The operator's current watermark. */
  readonly currentWatermark: number;
  /** Processing time on the job's clock. */
  readonly currentProcessingTime: number;
  /** Calls `onEventTime(time, window)` once the watermark reaches `time`. */
  registerEventTimeTimer(time: number): void;
  /** Removes this window's event-time timer at `time`. */
  deleteEventTimeTimer(time: number): void;
  /** Calls `onProcessingTime(time, window)` once processing time reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  /** Removes this window's processing-time timer at `time`. */
  deleteProcessingTimeTimer(time: number): void;
  /** The trigger's own per-window state (e.g. a count); plain data, checkpointed with the window. */
  getState<S>(): S | undefined;
  /** Replaces the trigger's per-window state (`undefined` removes it). */
  setState<S>(state: S | undefined): void;
}

/**
 * Decides when a window fires, like Flink's `Trigger`. Each hook is called for one key's window.
 * Timers registered here call `onEventTime` / `onProcessingTime` back with that window.
 *
 * @example
 * // Fires at the end of the window (event time) and every 100 records before that.
 * const early: Trigger = {
 *   description: "endOrEvery100()",
 *   onElement(timestamp, window, ctx) {
 *     ctx.registerEventTimeTimer(window.end - 1);
 *     const n = (ctx.getState<number>() ?? 0) + 1;
 *     ctx.setState(n);
 *     return n % 100 === 0 ? TriggerResult.FIRE : TriggerResult.CONTINUE;
 *   },
 *   onEventTime: (time, window) => (time === window.end - 1 ? TriggerResult.FIRE : TriggerResult.CONTINUE),
 *   onProcessingTime: () => TriggerResult.CONTINUE,
 *   clear(window, ctx) {
 *     ctx.deleteEventTimeTimer(window.end - 1);
 *     ctx.setState(undefined);
 *   },
 * };
 * clicks.keyBy((c) => c.page).window(tumbling(hours(1))).trigger(early).aggregate(count());
 */
export interface Trigger<TWindow extends TimeWindow = TimeWindow> {
  /** Shown in operator names, e.g. `count(100)`. */
  readonly description: string;
  /** A record was added to `window`. */
  onElement(timestamp: number, window: TWindow, context: TriggerContext): TriggerResult;
  /** An event-time timer of `window` fired: the watermark reached `time`. */
  onEventTime(time: number, window: TWindow, context: TriggerContext): TriggerResult;
  /** A processing-time timer of `window` fired: the clock reached `time`. */
  onProcessingTime(time: number, window: TWindow, context: TriggerContext): TriggerResult;
  /** Required to use the trigger with merging (session) windows: re-register timers for `window`. */
  onMerge?(window: TWindow, context: TriggerContext): void;
  /** The window is being removed: delete its timers and state. */
  clear(window: TWindow, context: TriggerContext): void;
}
