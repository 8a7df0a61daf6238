import type { Sink } from "../runtime/sink.ts";

/**
 * Options of {@link consoleSink}.
 *
 * @example
 * const options: ConsoleSinkOptions<Tick> = { format: (t, ts) => `${ts} ${t.symbol} ${t.price}`, output: process.stderr };
 * ticks.sink(consoleSink(options));
 */
export interface ConsoleSinkOptions<T> {
  /**
   * Renders one record as one line (without the newline). Default: strings as they are, other
   * values as JSON.
   */
  readonly format?: (value: T, timestamp: number) => string;
  /** Where lines go (default `process.stdout`). */
  readonly output?: NodeJS.WritableStream;
  /** Names the sink in messages (default `"console"`). */
  readonly name?: string;
}

/**
 * Prints each record as a line, for demos and debugging. **At-least-once**: it has no
 * transaction, so after a restore the records since the last checkpoint are printed again.
 * It waits for a full output stream to drain (backpressure).
 *
 * @example
 * job.source(fromIterable([1, 2, 3])).map((n) => n * n).sink(consoleSink());
 * // 1
 * // 4
 * // 9
 *
 * @example
 * const results = clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).aggregate(count());
 * results.sink(consoleSink({ format: (r, ts) => `${new Date(ts).toISOString()} ${r.key}: ${r.value}` }));
 */
export function consoleSink<T>(options: ConsoleSinkOptions<T> = {}): Sink<T> {
  const format = options.format ?? defaultFormat;
  const output = options.output ?? process.stdout;
  return {
    name: options.name ?? "console",
    write(values: T[], timestamps: number[]) {
      let text = "";
      for (let i = 0; i < values.length; i++) text += format(values[i]!, timestamps[i]!) + "\n";
      if (output.write(text)) return undefined;
      return new Promise<void>((resolve) => output.once("drain", resolve));
    },
  };
}

function defaultFormat(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // bigint or a cycle: still print something readable.
    return String(value);
  }
}
