// Sample data the TSDoc examples and docs pages may use without declaring it, so each example
// shows the API it documents and not the same setup again. docs/README.md lists these names.
// Package READMEs do not get it: their examples are complete programs.
import type { CheckpointStore, DataStream, Job } from "@eddy/core";

/** A foreign-exchange price tick; `timestamp` is its event time (epoch ms). */
export interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly timestamp: number;
}

/** A page view; `at` is its event time (epoch ms). */
export interface Click {
  readonly user: string;
  readonly page: string;
  readonly at: number;
}

/** An order; `at` is its event time (epoch ms). */
export interface Order {
  readonly id: string;
  readonly customer: string;
  readonly amount: number;
  readonly at: number;
}

/** Ticks with event times and watermarks assigned. */
export declare const ticks: DataStream<Tick>;
/** Clicks with event times and watermarks assigned. */
export declare const clicks: DataStream<Click>;
/** Orders with event times and watermarks assigned. */
export declare const orders: DataStream<Order>;
/** A job being built (`pipeline(...)`). */
export declare const job: Job;
/** Any checkpoint store (`MemoryCheckpointStore`, `redisCheckpoints(...)`). */
export declare const store: CheckpointStore;
