import type { TimeWindow } from "./window.ts";

/** What a trigger decides for a window: fire (emit its result) and/or purge (drop its contents). */
export const TriggerResult = {
  CONTINUE: 0,
  FIRE: 1,
  PURGE: 2,
  FIRE_AND_PURGE: 3,
} as const;
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

/** What a trigger may do for the window it is asked about (scoped to one key and one window). */
export interface TriggerContext {
  readonly currentWatermark: number;
  readonly currentProcessingTime: number;
  registerEventTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** The trigger's own per-window state (e.g. a count); plain data, checkpointed with the window. */
  getState<S>(): S | undefined;
  setState<S>(state: S | undefined): void;
}

/**
 * Decides when a window fires, like Flink's `Trigger`. Each hook is called for one key's window.
 * Timers registered here call `onEventTime` / `onProcessingTime` back with that window.
 */
export interface Trigger<TWindow extends TimeWindow = TimeWindow> {
  /** Shown in operator names, e.g. `count(100)`. */
  readonly description: string;
  onElement(timestamp: number, window: TWindow, context: TriggerContext): TriggerResult;
  onEventTime(time: number, window: TWindow, context: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: TWindow, context: TriggerContext): TriggerResult;
  /** Required to use the trigger with merging (session) windows: re-register timers for `window`. */
  onMerge?(window: TWindow, context: TriggerContext): void;
  /** The window is being removed: delete its timers and state. */
  clear(window: TWindow, context: TriggerContext): void;
}
