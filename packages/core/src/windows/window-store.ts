import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { SequenceTimerService, TimerDomain, TimerNamespace } from "../keyed/timer-service.ts";
import type { OperatorContext, Output } from "../runtime/operator.ts";
import type { OutputTag } from "../runtime/output-tag.ts";
import type { Key } from "../state/key-group.ts";
import type { WindowAssigner } from "./assigner.ts";
import type { Trigger } from "./trigger.ts";
import type { TimeWindow } from "./window.ts";
import type { WindowGroupSnapshot } from "./window-snapshot.ts";

/** What {@link windowOperator} needs: built by `WindowedStream` from the pipeline's settings. */
export interface WindowOperatorConfig<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut> {
  readonly keyOf: (value: T) => TKey;
  readonly assigner: WindowAssigner<TWindow>;
  readonly trigger: Trigger<TWindow>;
  readonly allowedLateness: number;
  readonly lateDataTag: OutputTag<T> | undefined;
  readonly aggregate: AggregateFunction<T, TAcc, unknown>;
  /** Emits the result(s) of one firing; each gets timestamp `window.end - 1`. */
  readonly fire: (
    key: TKey,
    window: TWindow,
    accumulator: TAcc,
    emit: (value: TOut) => void,
    currentWatermark: number,
  ) => void;
}

/**
 * What the window operator shares with its state store: the watermark, the one timer service
 * (whose counter numbers windows and timers alike, so that one order covers both and checkpoints
 * keep it), and where late records go. The operator writes `watermark`; a store only reads it.
 */
export interface WindowStoreHost<T> {
  readonly context: OperatorContext;
  /** The operator's watermark: it never goes back, not even after a restore. */
  watermark: number;
  /** Registers the stores' timers and hands out every window's and timer's sequence number. */
  readonly timers: SequenceTimerService<TimerNamespace>;
  /** A record all of whose windows are late: side output or counted as dropped. */
  lateRecord(value: T, timestamp: number): void;
}

/** The window being fired when a result function threw, for the error that names it. */
export interface FiringWindow {
  readonly start: number;
  readonly end: number;
  readonly key: Key;
}

/** Builds a store for one operator instance. */
export type WindowStoreFactory<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut> = (
  config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
  host: WindowStoreHost<T>,
  output: Output<TOut>,
) => WindowStateStore<T>;

/**
 * Where the window operator keeps its windows' contents, accumulators and firing state, per key
 * and window, and what fires them. The operator (`window-operator.ts`) is the coordinator: it
 * owns the watermark, the timer service and its numbering, late data, failures and the
 * checkpoint's versioned blob, and picks one store:
 *
 * - `keyedWindowStore` holds a slot per (key, window) with its trigger state and timers: any
 *   assigner, any trigger, merging windows.
 * - `columnarWindowStore` holds all keys' windows of one bounds as rows of a bucket, accumulators
 *   in typed-array columns when the aggregate has a columnar form: event-time tumbling or sliding
 *   windows with the default `eventTimeTrigger`, whose timers are implied by the bucket.
 *
 * Calls come a batch at a time, so that the record loop runs inside one store's code
 * (monomorphic) and not through this interface per record.
 */
export interface WindowStateStore<T> {
  /**
   * Adds records `[from, values.length)` to their windows, firing those the trigger says to. It
   * only computes: a record that throws (its changes undone or recorded as changed) ends the call,
   * and {@link position} says which it was; the operator fails that record and calls again from
   * the next.
   */
  addRecords(values: readonly T[], timestamps: readonly number[], from: number): void;
  /** The index of the record {@link addRecords} is at: after a throw, the record that threw. */
  readonly position: number;
  /** The host's watermark has advanced: fires and clears the windows now due, in order. */
  advanceWatermark(watermark: number): void;
  /** A timer the store registered with the host's timer service is due. */
  onTimer(namespace: TimerNamespace, time: number, domain: TimerDomain): void;
  /** End of input: fires every window still holding records not emitted, then clears it. */
  finish(): void;
  /** The window a throwing result function was firing, if any. */
  firing(): FiringWindow | undefined;
  /**
   * The key groups to checkpoint (every group when `full`, else those changed since the last
   * snapshot), in this store's layout; the operator wraps them in its versioned blob.
   */
  snapshot(full: boolean): WindowGroupSnapshot[];
  /**
   * Restores key groups written by either store, any version; `checkpointWatermark` is the
   * watermark the checkpoint recorded (the host's may be later). Continues the host's numbering
   * after every restored window and timer.
   */
  restore(groups: readonly WindowGroupSnapshot[], checkpointWatermark: number): void;
}
