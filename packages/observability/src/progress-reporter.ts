import type { Job, Logger } from "@eddy/core";
import { type JobSample, JobSampler } from "./job-sampler.ts";
import { progressLine } from "./progress-line.ts";

/**
 * A stream progress can go to: stdout, stderr, or anything writable.
 *
 * @example
 * const lines: string[] = [];
 * const captured: ProgressStream = { write: (text) => lines.push(text) };
 * progressReporter(job, { stream: captured });
 */
export interface ProgressStream {
  /** Writes text as it is (lines end with a newline; the live line starts with a carriage return). */
  write(text: string): unknown;
  /** Set on terminals: the live status line is used there. */
  readonly isTTY?: boolean;
  /** Terminal width: the live line is cut to fit. */
  readonly columns?: number;
}

/**
 * Options of {@link progressReporter}; defaults in {@link PROGRESS_DEFAULTS}.
 *
 * @example
 * const everyMinute: ProgressOptions = { stream: process.stdout, live: false, every: 60_000 };
 */
export interface ProgressOptions {
  /** Where progress goes. Default: `process.stderr`, so it never mixes with records on stdout. */
  readonly stream?: ProgressStream;
  /** A live status line rewritten in place. Default: whether `stream` is a terminal. */
  readonly live?: boolean;
  /** Interval between lines when not live (ms of the job's processing time). */
  readonly every?: number;
  /** Refresh interval of the live line (ms). */
  readonly refreshEvery?: number;
  /** Write the lines (not the live line) as `info` log entries with the figures as fields. */
  readonly logger?: Logger;
}

/**
 * Defaults of {@link ProgressOptions}: a line every 10 s, a live line refreshed every second.
 *
 * @example
 * const linesPerHour = 3_600_000 / PROGRESS_DEFAULTS.every; // 360
 */
export const PROGRESS_DEFAULTS = {
  /** A line every ten seconds off a terminal. */
  every: 10_000,
  /** The live line is rewritten every second. */
  refreshEvery: 1_000,
} as const;

/**
 * A running progress reporter.
 *
 * @example
 * const progress: ProgressReporter = progressReporter(job);
 * try {
 *   await job.run();
 * } finally {
 *   progress.stop();
 * }
 */
export interface ProgressReporter {
  /**
   * Writes a last line now and stops. Call it after `job.run()` settles: the reporter also stops
   * by itself at its first interval after the run ended, but its timer does not keep the process
   * alive for that.
   */
  stop(): void;
}

/**
 * Prints how a long run is doing without flooding logs: on a terminal, one status line rewritten
 * in place every second; elsewhere (a file, a log collector), one line per interval — records in
 * and out per second, the output watermark and its lag, the last checkpoint, late records and
 * backpressure when there are any.
 * When the run ends it writes a final line and stops by itself. Off unless called.
 *
 * @example
 * progressReporter(job); // [fx-pricing] running 1m 05s | in 12.3K/s (1.2M) | out 1.1K/s (98.1K) | watermark …
 * await job.run();
 */
export function progressReporter(job: Job, options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const live = options.live ?? stream.isTTY === true;
  const every = live
    ? (options.refreshEvery ?? PROGRESS_DEFAULTS.refreshEvery)
    : (options.every ?? PROGRESS_DEFAULTS.every);
  const sampler = new JobSampler(job, { every, keep: 1 });
  let stopped = false;
  let wasRunning = job.metrics.status === "running";

  const write = (line: string, final: boolean) => {
    if (live) {
      const width = stream.columns ?? Number.POSITIVE_INFINITY;
      const fitted = line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
      // Return to the line's start and clear it, so a shorter line leaves nothing behind.
      stream.write(`\r\x1b[2K${fitted}${final ? "\n" : ""}`);
    } else if (options.logger) {
      const { totals, reading } = sampler.latest!;
      options.logger.info(line, {
        status: reading.status,
        recordsIn: totals.recordsIn,
        recordsOut: totals.recordsOut,
        recordsInPerSecond: totals.recordsInPerSecond,
        recordsOutPerSecond: totals.recordsOutPerSecond,
        watermark: totals.watermark,
        watermarkLagMs: totals.watermarkLagMs,
        checkpointAgeMs: reading.checkpoints.lastAgeMs,
      });
    } else {
      stream.write(`${line}\n`);
    }
  };

  const finish = (last: () => JobSample) => {
    stopped = true;
    unsubscribe();
    sampler.stop();
    write(progressLine(last()), true);
  };
  const unsubscribe = sampler.subscribe((sample) => {
    if (stopped) return;
    const running = sample.reading.status === "running";
    if (wasRunning && !running) {
      finish(() => sample);
      return;
    }
    wasRunning ||= running;
    write(progressLine(sample), false);
  });
  sampler.start();
  return {
    stop() {
      if (!stopped) finish(() => sampler.sample());
    },
  };
}
