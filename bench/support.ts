import { readFileSync } from "node:fs";

/** Helpers shared by the benchmarks: timing, medians, and printing. Benchmarks never fail on time. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Wall time of `run`, and the CPU time of the main thread meanwhile (`NaN` where the OS does not
 * say): on a machine shared with other work, wall time counts the time others ran, CPU time
 * does not, so it is the steadier figure to compare within a run.
 */
export async function timed<T>(run: () => T | Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const cpu = mainThreadCpuMs();
  const start = performance.now();
  const result = await run();
  return { ms: performance.now() - start, cpuMs: mainThreadCpuMs() - cpu, result };
}

/** CPU time (user + system) of this process's main thread in ms, from Linux's /proc; else `NaN`. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Linux's USER_HZ, the unit of /proc CPU times: 100 on every common build. */
const CLOCK_TICKS_PER_SECOND = 100;

export function formatRate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M/s` : `${(perSecond / 1e3).toFixed(1)}k/s`;
}

/** Number of runs per measurement: `BENCH_RUNS` or 5. */
export const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** Lets the collector settle between runs, so one run's garbage is not billed to the next. */
export function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise((resolve) => setTimeout(resolve, 50));
}
