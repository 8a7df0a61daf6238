import { type Logger, silentLogger } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { afterEach, describe, expect, test } from "vitest";
import { type ProgressStream, progressReporter } from "./progress-reporter.ts";
import { startWindowedJob, T0, type WindowedJob } from "./test-support/windowed-job.ts";

let fixture: WindowedJob | undefined;
afterEach(async () => {
  await fixture?.job.stop();
  await fixture?.running;
  fixture = undefined;
});

function stream(tty: boolean, columns?: number): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY: tty, columns, writes, write: (text: string) => writes.push(text) };
}

/** One window fired and a savepoint at T0; then the clock is at T0 + 2 s. */
async function twoSecondsIn(name: string): Promise<WindowedJob> {
  const w = startWindowedJob(name);
  fixture = w;
  w.source.push([T0 + 100, T0 + 900, T0 + 1_500]);
  await eventually(() => w.out.values().length === 1, { what: "the first window" });
  await w.job.savepoint();
  return w;
}

const checkpointPart = /checkpoint #1 2\.0 s ago, 0 ms, \d+(\.\d)? (B|KB)/;

describe("progressReporter", () => {
  test("off a terminal: one line per interval, and a final one when the run ends", async () => {
    const w = await twoSecondsIn("batch");
    const out = stream(false);
    progressReporter(w.job, { stream: out, every: 2_000 });
    w.clock.advanceTo(T0 + 1_999);
    expect(out.writes).toEqual([]);
    w.clock.advanceTo(T0 + 2_000);
    expect(out.writes).toHaveLength(1);
    const [first] = out.writes;
    expect(first).toMatch(
      /^\[batch\] running 2\.0 s \| in 1\.5\/s \(3\) \| out 0\.5\/s \(1\) \| watermark 22:13:21\.399Z \(lag 601 ms\) \| /,
    );
    expect(first).toMatch(checkpointPart);
    expect(first!.endsWith("\n")).toBe(true);
    expect(first!.slice(0, -1)).not.toContain("\n");

    w.source.push([T0 + 200]);
    await eventually(() => w.late.values().length === 1, { what: "the late record" });
    w.clock.advanceTo(T0 + 4_000);
    expect(out.writes[1]).toMatch(/in 0\.5\/s \(4\) \| .* \| late 1 \(dropped 0\)\n$/);

    w.source.end();
    await w.running;
    w.clock.advanceTo(T0 + 6_000);
    expect(out.writes).toHaveLength(3);
    expect(out.writes[2]).toMatch(
      /^\[batch\] finished 4\.0 s \| in 0\/s \(4\) \| out 0\.5\/s \(3\) \| watermark end of input \| checkpoint #2 /,
    );
    w.clock.advanceTo(T0 + 20_000);
    expect(out.writes).toHaveLength(3);
  });

  test("on a terminal: one status line rewritten in place, cut to the width, ended by stop()", async () => {
    const w = await twoSecondsIn("live");
    const out = stream(true, 40);
    const reporter = progressReporter(w.job, { stream: out, refreshEvery: 1_000 });
    w.clock.advanceTo(T0 + 3_000);
    expect(out.writes).toHaveLength(3);
    for (const write of out.writes) {
      expect(write.startsWith("\r\x1b[2K")).toBe(true);
      expect(write).not.toContain("\n");
      expect(write.length).toBe("\r\x1b[2K".length + 40);
      expect(write.endsWith("…")).toBe(true);
    }
    expect(out.writes[0]).toBe("\r\x1b[2K[live] running 1.0 s | in 3/s (3) | out…");
    reporter.stop();
    expect(out.writes.at(-1)!.endsWith("\n")).toBe(true);
    w.clock.advanceTo(T0 + 10_000);
    expect(out.writes).toHaveLength(4);
  });

  test("with a logger, each line is an info entry carrying the figures", async () => {
    const w = await twoSecondsIn("logged");
    const entries: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = { ...silentLogger, info: (message, fields) => entries.push({ message, fields }) };
    progressReporter(w.job, { stream: stream(false), logger, every: 2_000 });
    w.clock.advanceTo(T0 + 2_000);
    expect(entries).toEqual([
      {
        message: expect.stringMatching(/^\[logged\] running 2\.0 s \| in 1\.5\/s/),
        fields: {
          status: "running",
          recordsIn: 3,
          recordsOut: 1,
          recordsInPerSecond: 1.5,
          recordsOutPerSecond: 0.5,
          watermark: T0 + 1_399,
          watermarkLagMs: 601,
          checkpointAgeMs: 2_000,
        },
      },
    ]);
  });
});
