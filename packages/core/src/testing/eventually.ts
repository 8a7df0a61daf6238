/**
 * Options of {@link eventually}. Defaults are in {@link EVENTUALLY_DEFAULTS}.
 *
 * @example
 * const options: EventuallyOptions = { what: "300 records in the sink", timeoutMs: 20_000, intervalMs: 50 };
 */
export interface EventuallyOptions {
  /** What is awaited, for the timeout's message: `"300 records in the sink"`. */
  readonly what: string;
  /** Gives up after this long, in ms of real time (default 5 000). */
  readonly timeoutMs?: number;
  /** Waits this long between two checks, in ms (default 10). */
  readonly intervalMs?: number;
  /** More for the timeout's message, asked for only when it times out (a process's output, say). */
  readonly details?: () => string;
}

/**
 * Defaults of {@link EventuallyOptions}: give up after 5 s, check every 10 ms.
 *
 * @example
 * await eventually(() => server.requests.length > 0, { what: "a request", timeoutMs: EVENTUALLY_DEFAULTS.timeoutMs * 4 });
 * declare const server: { requests: unknown[] };
 */
export const EVENTUALLY_DEFAULTS = {
  /** Give up after 5 s: long for anything local, short enough to fail a test run quickly. */
  timeoutMs: 5_000,
  /** Check every 10 ms. */
  intervalMs: 10,
} as const;

/**
 * Resolves once `condition` holds, checking it now and then every `intervalMs` of real time; after
 * `timeoutMs` it rejects with `timed out after <timeoutMs> ms waiting for <what>`. An error thrown
 * by `condition` rejects at once: a check that cannot be made is not a check that failed.
 *
 * For tests of things that happen on their own time (a server, a process, a job running on the
 * system clock); code on a `VirtualClock` advances the clock instead of polling.
 *
 * @example
 * const out = collectSink<number>();
 * const job = pipeline("squares", { stopOnSignals: false });
 * job.source(generatorSource({ generate: (i) => i * i })).sink(out.sink);
 * const run = job.run();
 * await eventually(() => out.values().length >= 100, { what: "100 squares" });
 * await job.stop();
 * await run;
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  options: EventuallyOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? EVENTUALLY_DEFAULTS.timeoutMs;
  const intervalMs = options.intervalMs ?? EVENTUALLY_DEFAULTS.intervalMs;
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() >= deadline) {
      const details = options.details?.();
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${options.what}${details ? `\n${details}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
