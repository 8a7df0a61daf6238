import type { OutputTag } from "../runtime/output-tag.ts";
import type { StateDescriptor, StateHandles } from "./state-descriptors.ts";

/**
 * Timers of the current key. A timer is identified by (key, time): registering twice fires once.
 * Timers are keyed state: they are checkpointed and restored with the key's other state.
 *
 * @example
 * const expiring = clicks.keyBy((c) => c.user).process<string>({
 *   processElement(click, ctx) {
 *     const timers: TimerService = ctx.timerService;
 *     // Fires once the watermark passes 30 minutes after this click.
 *     timers.registerEventTimeTimer(ctx.timestamp + minutes(30));
 *   },
 *   onTimer(time, ctx) {
 *     ctx.emit(`${ctx.key} inactive since ${time - minutes(30)}`);
 *   },
 * });
 */
export interface TimerService {
  /** The operator's current watermark (`-Infinity` before the first). */
  currentWatermark(): number;
  /** Processing time on the job's clock (a `VirtualClock` in tests). */
  currentProcessingTime(): number;
  /** Fires `onTimer` once the watermark reaches `time`. */
  registerEventTimeTimer(time: number): void;
  /** Removes the current key's event-time timer at `time`, if any. */
  deleteEventTimeTimer(time: number): void;
  /** Fires `onTimer` once processing time reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  /** Removes the current key's processing-time timer at `time`, if any. */
  deleteProcessingTimeTimer(time: number): void;
}

/**
 * What `processElement` and `onTimer` get: the key, its state, timers, and the outputs.
 *
 * @example
 * const firstVisits: DataStream<Click> = clicks.keyBy((c) => c.user).process({
 *   state: { seen: valueState(false) },
 *   processElement(click, ctx) {
 *     if (ctx.state.seen.value()) return;
 *     ctx.state.seen.update(true);
 *     ctx.emit(click);
 *   },
 * });
 */
export interface KeyedProcessContext<TKey, TOut, TState> {
  /** The key being processed: state and timers are scoped to it. */
  readonly key: TKey;
  /** Event time of the record being processed, or the timer's time in `onTimer`. */
  readonly timestamp: number;
  /** Handles of the declared state, scoped to `key`. */
  readonly state: TState;
  /** The current key's timers. */
  readonly timerService: TimerService;
  /** Emits a result; its timestamp defaults to `timestamp`. */
  emit(value: TOut, timestamp?: number): void;
  /** Emits to a side output. */
  output<S>(tag: OutputTag<S>, value: S, timestamp?: number): void;
}

/**
 * In `onTimer`: the context, and which clock the timer was on.
 *
 * @example
 * const fn: KeyedProcessFunction<string, Click, string, Record<never, never>> = {
 *   processElement(click, ctx) {
 *     ctx.timerService.registerProcessingTimeTimer(ctx.timerService.currentProcessingTime() + seconds(10));
 *   },
 *   onTimer(time, ctx: OnTimerContext<string, string, Record<never, never>>) {
 *     ctx.emit(`${ctx.key}: ${ctx.timeDomain} timer at ${time}`);
 *   },
 * };
 */
export interface OnTimerContext<TKey, TOut, TState> extends KeyedProcessContext<TKey, TOut, TState> {
  /** `event-time`: the watermark reached the timer; `processing-time`: the job's clock did. */
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
 * const keyed = clicks.keyBy((c) => c.page);
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
  /** State per key, declared with {@link valueState}, {@link listState} and {@link mapState}. */
  readonly state?: TDecl;
  /** Called once per record, in arrival order, with the record's key's state. */
  processElement(value: TIn, context: KeyedProcessContext<TKey, TOut, StateHandles<TDecl>>): void;
  /**
   * Called when a timer of a key fires: `timestamp` is the timer's time (also the default timestamp of what it emits).
   */
  onTimer?(timestamp: number, context: OnTimerContext<TKey, TOut, StateHandles<TDecl>>): void;
}
