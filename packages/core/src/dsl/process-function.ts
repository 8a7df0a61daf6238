import type { OutputTag } from "./output-tag.ts";

/** What a (non-keyed) process function gets for each record. */
export interface ProcessContext<TOut> {
  readonly timestamp: number;
  currentWatermark(): number;
  /** Emits a result; its timestamp defaults to the input's. */
  emit(value: TOut, timestamp?: number): void;
  output<S>(tag: OutputTag<S>, value: S, timestamp?: number): void;
}

/** Record-at-a-time logic with access to time and side outputs, like Flink's `ProcessFunction`. */
export interface ProcessFunction<TIn, TOut> {
  processElement(value: TIn, context: ProcessContext<TOut>): void;
}
