import type { OutputTag } from "../runtime/output-tag.ts";

/**
 * What a (non-keyed) process function gets for each record.
 *
 * @example
 * const tooLate = new OutputTag<Click>("behind-watermark");
 * const fn: ProcessFunction<Click, string> = {
 *   processElement(click, ctx: ProcessContext<string>) {
 *     if (ctx.timestamp <= ctx.currentWatermark()) ctx.output(tooLate, click);
 *     else ctx.emit(click.page);
 *   },
 * };
 */
export interface ProcessContext<TOut> {
  /** The record's event time (`NaN` before `withWatermarks` has assigned one). */
  readonly timestamp: number;
  /** The operator's current watermark (`-Infinity` before the first). */
  currentWatermark(): number;
  /** Emits a result; its timestamp defaults to the input's. */
  emit(value: TOut, timestamp?: number): void;
  /** Emits to the side output `tag` (read it with `stream.getSideOutput(tag)`); timestamp as `emit`. */
  output<S>(tag: OutputTag<S>, value: S, timestamp?: number): void;
}

/**
 * Record-at-a-time logic with access to time and side outputs, like Flink's `ProcessFunction`.
 * Stateless: for state and timers key the stream and use a {@link KeyedProcessFunction}.
 *
 * @example
 * const pages = clicks.process<string>({
 *   processElement(click, ctx) {
 *     for (const part of click.page.split("/")) if (part) ctx.emit(part);
 *   },
 * });
 */
export interface ProcessFunction<TIn, TOut> {
  /** Called once per record, in order; emit any number of results through `context`. */
  processElement(value: TIn, context: ProcessContext<TOut>): void;
}
