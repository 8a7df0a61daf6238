/**
 * What both window state stores (the keyed one and the columnar one) agree on: how the keyed
 * store writes a window to a checkpoint (the columnar store writes rows in columns, see
 * `window-columns.ts`, and each path reads both), the timer kinds, and when keys without windows
 * are let go.
 */

import { EVENT_TIME, PROCESSING_TIME } from "../keyed/timer-service.ts";

/** A timer in event time (as checkpoints write its kind). */
export const EVENT = EVENT_TIME;
/** A timer in processing time (as checkpoints write its kind). */
export const PROCESSING = PROCESSING_TIME;

/** A window slot as written to a checkpoint: plain data. */
export interface EncodedSlot {
  readonly start: number;
  readonly end: number;
  /** Creation order; windows due together fire in it. */
  readonly seq: number;
  readonly acc: unknown;
  readonly filled: boolean;
  readonly pending: boolean;
  readonly trigger: unknown;
  /** Pending timers as flat triples `[time, seq, kind, ...]`, seq being the registration order. */
  readonly timers: number[];
}

/** The operator-wide part of a checkpoint. */
export interface EncodedOperatorState {
  readonly watermark: number;
}

/**
 * Keys left without windows stay on the heap (re-creating a key's entry every window would cost
 * an allocation and a key-group hash per key and window) until the next checkpoint, or until they
 * are this many and outnumber the keys with windows.
 */
export const SWEEP_THRESHOLD = 65_536;

/** Why an event-time window operator refuses a record: it has no event time. */
export function noEventTime(timestamp: number): TypeError {
  return new TypeError(
    `the record has no valid event time (timestamp ${timestamp}): did you call withWatermarks before the window?`,
  );
}
