import type { OutputTag } from "../dsl/output-tag.ts";
import type { StateDescriptor, StateHandles } from "./state-descriptors.ts";

/** Timers of the current key. A timer is identified by (key, time): registering twice fires once. */
export interface TimerService {
  currentWatermark(): number;
  currentProcessingTime(): number;
  /** Fires `onTimer` once the watermark reaches `time`. */
  registerEventTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  /** Fires `onTimer` once processing time reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/** What `processElement` and `onTimer` get: the key, its state, timers, and the outputs. */
export interface KeyedProcessContext<TKey, TOut, TState> {
  readonly key: TKey;
  /** Event time of the record being processed, or the timer's time in `onTimer`. */
  readonly timestamp: number;
  readonly state: TState;
  readonly timerService: TimerService;
  /** Emits a result; its timestamp defaults to `timestamp`. */
  emit(value: TOut, timestamp?: number): void;
  /** Emits to a side output. */
  output<S>(tag: OutputTag<S>, value: S, timestamp?: number): void;
}

/** In `onTimer`: which clock the timer was on. */
export interface OnTimerContext<TKey, TOut, TState> extends KeyedProcessContext<TKey, TOut, TState> {
  readonly timeDomain: "event-time" | "processing-time";
}

/**
 * Per-key logic with state and timers, like Flink's `KeyedProcessFunction`. State is declared up
 * front so its types are inferred and it can be checkpointed.
 *
 * Event-time timers fire when the watermark passes them, before the watermark is forwarded;
 * processing-time timers fire on the job's clock.
 *
 * @example
 * const counts: DataStream<{ page: string; count: number }> = keyed.process({
 *   state: { count: valueState(0) },
 *   processElement(click, ctx) {
 *     ctx.state.count.update(ctx.state.count.value() + 1);
 *     ctx.timerService.registerEventTimeTimer(ctx.timestamp + 60_000);
 *   },
 *   onTimer(time, ctx) {
 *     ctx.emit({ page: ctx.key, count: ctx.state.count.value() });
 *     ctx.state.count.clear();
 *   },
 * });
 */
export interface KeyedProcessFunction<TKey, TIn, TOut, TDecl extends Record<string, StateDescriptor>> {
  readonly state?: TDecl;
  processElement(value: TIn, context: KeyedProcessContext<TKey, TOut, StateHandles<TDecl>>): void;
  onTimer?(timestamp: number, context: OnTimerContext<TKey, TOut, StateHandles<TDecl>>): void;
}
