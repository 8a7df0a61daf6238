import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { generatorSource } from "../io/generator-source.ts";
import { jsonLinesSink } from "../io/json-lines-sink.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { byIp, byPage, CLICKS, type Click, clickAt } from "../repartition/test-support/clicks-per-page.ts";
import { MemoryRepartitionChannel } from "../repartition/test-support/memory-channel.ts";
import type { DeadLetter, DeadLetterOutput } from "../runtime/dead-letters.ts";
import type { Sink } from "../runtime/sink.ts";
import type { SplittableSource } from "../runtime/source.ts";
import { eventually } from "../testing/eventually.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import type { ClusterRepartition } from "./cluster-options.ts";
import { FAST } from "./test-support/tick-counts.ts";

const root = mkdtempSync(join(tmpdir(), "eddy-staged-dead-letters-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The page whose window counts the results sink refuses: each of its windows is a dead letter of stage 1. */
const REFUSED = "/p3";
/** One letter per window of the refused page: `<page>|<window start>`. */
const expectedLetters = [
  ...new Set(
    Array.from({ length: CLICKS }, (_, i) => clickAt(i))
      .filter((c) => c.page === REFUSED)
      .map((c) => `${c.page}|${Math.floor(c.at / 1_000) * 1_000}`),
  ),
].sort();

/** Window counts, but those of {@link REFUSED} are set aside as dead letters (a sink's rejections). */
function refusingSink(): Sink<WindowResult<string, TimeWindow, number>> {
  let deadLetters: DeadLetterOutput | undefined;
  return {
    name: "refusing",
    open(context) {
      deadLetters = context.deadLetters;
    },
    write(values) {
      for (const r of values) {
        if (r.key !== REFUSED) continue;
        deadLetters?.send({
          origin: "refusing",
          reason: "rejected",
          error: `page ${REFUSED} is refused`,
          value: `${r.key}|${r.window.start}`,
          timestamp: r.window.start,
        });
      }
    },
  };
}

/** The ip whose clicks the source cannot "decode": each is a dead letter of stage 0. */
const UNREADABLE = "10.0.0.7";
const expectedSourceLetters = Array.from({ length: CLICKS }, (_, i) => clickAt(i))
  .filter((c) => c.ip === UNREADABLE)
  .map((c) => `${c.ip}@${c.at}`)
  .sort();

/** The clicks, but those of {@link UNREADABLE} are set aside as dead letters (a source's decode failures). */
function clicksWithUnreadable(): SplittableSource<Click> {
  const clicks = generatorSource({
    count: CLICKS,
    partitions: 4,
    partitionKey: byIp,
    batchSize: 100,
    ratePerSecond: 6_000,
    generate: clickAt,
  });
  return {
    ...clicks,
    async open(context) {
      const reader = await clicks.open(context);
      return {
        ...reader,
        async next() {
          const event = await reader.next();
          if (event?.kind !== "data") return event;
          for (const c of event.values.filter((c: Click) => c.ip === UNREADABLE)) {
            context.deadLetters.send({
              origin: "clicks",
              reason: "decode",
              error: "unreadable",
              value: `${c.ip}@${c.at}`,
              timestamp: c.at,
            });
          }
          return { ...event, values: event.values.filter((c: Click) => c.ip !== UNREADABLE) };
        },
      };
    },
  };
}

/** Every committed line of the JSON-lines directories `dirs`. */
function committedLetters(...dirs: string[]): string[] {
  const letters: string[] = [];
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((name) => name.startsWith("part-"));
    } catch {
      // Not created yet.
    }
    for (const name of names) {
      for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
        if (line !== "") letters.push((JSON.parse(line) as DeadLetter).value as string);
      }
    }
  }
  return letters.sort();
}

/** Clicks partitioned by ip counted per page (a repartition) on two workers, with a dead-letter sink. */
function twoWorkers(
  deadLetters: () => Sink<DeadLetter>,
  stageDeadLetters?: ClusterRepartition["stageDeadLetters"],
) {
  const store = new MemoryCheckpointStore();
  const leases = new MemoryLeaseStore();
  const stage1 = new MemoryLeaseStore();
  const channel = new MemoryRepartitionChannel(2, () => false);
  return ["worker-a", "worker-b"].map((workerId) => {
    const job = pipeline("clicks-per-page", {
      checkpoints: { every: 40, store },
      cluster: {
        leases,
        workerId,
        ...FAST,
        repartition: {
          channel,
          stageLeases: () => stage1,
          ...(stageDeadLetters ? { stageDeadLetters } : {}),
        },
      },
      // A sink of each worker's own, as in a process of its own.
      deadLetters: deadLetters(),
      logger: silentLogger,
      stopOnSignals: false,
    });
    job
      .source(clicksWithUnreadable(), { name: "clicks" })
      .withWatermarks(boundedOutOfOrderness(10_000), (c: Click) => c.at, { name: "timestamps" })
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(refusingSink(), { name: "out" });
    return job;
  });
}

describe("the dead letters of a job with a repartition", () => {
  test("each stage writes its letters to a dead-letter sink of its own: every letter once", async () => {
    const dir = join(root, "own");
    const jobs = twoWorkers(
      () => jsonLinesSink<DeadLetter>(join(dir, "stage-0")),
      (stage) => jsonLinesSink<DeadLetter>(join(dir, `stage-${stage}`)),
    );
    const runs = jobs.map((job) => job.run());
    const written = () => ({
      stage0: committedLetters(join(dir, "stage-0")),
      stage1: committedLetters(join(dir, "stage-1")),
    });
    try {
      await eventually(
        () =>
          written().stage0.length >= expectedSourceLetters.length &&
          written().stage1.length >= expectedLetters.length,
        {
          what: "every letter committed",
          timeoutMs: 20_000,
          details: () =>
            `stage 0 missing ${expectedSourceLetters.filter((l) => !written().stage0.includes(l)).join(" ")}; ${written().stage0.length} of ${expectedSourceLetters.length}, stage 1 ${written().stage1.length} of ${expectedLetters.length}`,
        },
      );
    } finally {
      await Promise.all(jobs.map((job) => job.stop()));
    }
    await Promise.all(runs);
    // The source's letters in stage 0's sink (the job's), the results sink's in stage 1's: each once.
    expect(written()).toEqual({ stage0: expectedSourceLetters, stage1: expectedLetters });
  });

  test("a job-level dead-letter sink without one per stage is refused in one line, rather than opened by both stages", async () => {
    // Before: both stages of a worker opened this one sink — one closed the file the other wrote
    // to ("file closed"), one's open deleted the other's staged part (ENOENT), and the workers failed.
    const [job, other] = twoWorkers(() => jsonLinesSink<DeadLetter>(join(root, "shared")));
    await expect(job!.run()).rejects.toThrow(
      /^job "clicks-per-page" has a dead-letter sink and repartitions before "per-page": each stage needs a dead-letter sink of its own \(cluster\.repartition\.stageDeadLetters\)/,
    );
    await expect(other!.run()).rejects.toThrow(/stageDeadLetters/);
  });
});
