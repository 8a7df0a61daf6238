import * as format from "../web/format.js";
import type { JobSample } from "./job-sampler.ts";

/**
 * One line that says how a job is doing: status and uptime, records in and out (rate and total),
 * the output watermark and its lag, the last checkpoint, late records and backpressure when any.
 *
 * @example
 * // [fx-pricing] running 1m 05s | in 12.3K/s (1.2M) | out 1.1K/s (98.1K) | watermark 12:00:05.000Z (lag 5.1 s) | checkpoint #12 3.0 s ago, 120 ms, 1.2 MB
 */
export function progressLine(sample: JobSample): string {
  const { reading, totals } = sample;
  const parts: string[] = [];
  const uptime =
    reading.startedAt === undefined
      ? ""
      : ` ${format.duration((reading.endedAt ?? reading.time) - reading.startedAt)}`;
  parts.push(`[${reading.job}] ${reading.status}${uptime}`);
  parts.push(`in ${format.rate(totals.recordsInPerSecond)} (${format.count(totals.recordsIn)})`);
  parts.push(`out ${format.rate(totals.recordsOutPerSecond)} (${format.count(totals.recordsOut)})`);
  if (totals.watermark !== undefined) {
    const lag = totals.watermarkLagMs === undefined ? "" : ` (lag ${format.duration(totals.watermarkLagMs)})`;
    parts.push(`watermark ${format.eventTime(totals.watermark, reading.time)}${lag}`);
  }
  const c = reading.checkpoints;
  const last = c.history.findLast((h) => h.status === "completed");
  if (last && c.lastAgeMs !== undefined) {
    parts.push(
      `checkpoint #${last.checkpointId} ${format.duration(c.lastAgeMs)} ago, ${format.duration(last.durationMs)}, ${format.bytes(last.bytesWritten)}`,
    );
  }
  if (c.failed > 0 || c.failedAttempts > 0)
    parts.push(`checkpoint failures ${c.failed} (${c.failedAttempts} attempts)`);
  if (totals.lateRecords > 0)
    parts.push(
      `late ${format.count(totals.lateRecords)} (dropped ${format.count(totals.lateRecordsDropped)})`,
    );
  if (totals.backPressure >= 0.01) parts.push(`backpressure ${Math.round(totals.backPressure * 100)}%`);
  return parts.join(" | ");
}
