import type { Sink } from "@eddy/core";

/** Keeps what it is given, with timestamps; counts checkpoints. */
export function collectSink<T>(): Sink<T> & { values: T[]; timestamps: number[]; snapshots: number } {
  const sink = {
    name: "collect",
    values: [] as T[],
    timestamps: [] as number[],
    snapshots: 0,
    write(values: T[], timestamps: number[]) {
      for (let i = 0; i < values.length; i++) {
        sink.values.push(values[i]!);
        sink.timestamps.push(timestamps[i]!);
      }
    },
    snapshot() {
      sink.snapshots++;
      return undefined;
    },
  };
  return sink;
}
