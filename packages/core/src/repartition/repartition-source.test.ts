import { describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { isFinished } from "../cluster/lease.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { FAST } from "../job/test-support/tick-counts.ts";
import { silentLogger } from "../logging/logger.ts";
import { OperatorMetrics } from "../runtime/metrics.ts";
import type { Output } from "../runtime/operator.ts";
import type { SourceContext, SourceEvent, SourceReader, SplittableSource } from "../runtime/source.ts";
import { v8Serde } from "../state/serde.ts";
import { VirtualClock } from "../time/clock.ts";
import { type Envelope, encodeEnvelope } from "./envelope.ts";
import { repartitionReaderOperator } from "./repartition-reader.ts";
import { repartitionStreamSource } from "./repartition-source.ts";
import { clicksPerPage, expectedCounts } from "./test-support/clicks-per-page.ts";
import { MemoryRepartitionChannel } from "./test-support/memory-channel.ts";
import { testOperatorContext } from "./test-support/operator-context.ts";
import { UpstreamEnds } from "./upstream-ends.ts";
import { NO_RUN } from "./writer-run.ts";

/** How long two workers of the bounded clicks job may take to end by themselves. */
const END_WITHIN_MS = 20_000;

const expected = new Map([...expectedCounts()].filter(([field]) => !field.startsWith("/p22|")));

/**
 * Two workers of the clicks job (a bounded generator) over `channel`, left to end by themselves;
 * stopped, and the test failed, if they have not within {@link END_WITHIN_MS}.
 */
async function twoWorkersToTheirEnd(channel: MemoryRepartitionChannel, options: { oneSplit?: boolean } = {}) {
  const store = new MemoryCheckpointStore();
  const leases = new MemoryLeaseStore();
  const stage1 = new MemoryLeaseStore();
  const written = [new Map<string, number>(), new Map<string, number>()] as const;
  const jobs = ["worker-a", "worker-b"].map(
    (workerId, i) =>
      clicksPerPage(written[i]!, {
        store,
        ratePerSecond: 6_000,
        oneSplit: options.oneSplit,
        cluster: { leases, workerId, ...FAST, repartition: { channel, stageLeases: () => stage1 } },
      }).job,
  );
  const runs = Promise.all(jobs.map((job) => job.run()));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), END_WITHIN_MS);
  });
  const outcome = await Promise.race([runs, timedOut]);
  clearTimeout(timer);
  if (outcome === "timed out") {
    await Promise.all(jobs.map((job) => job.stop()));
    await runs;
    throw new Error(`the workers did not end by themselves within ${END_WITHIN_MS} ms`);
  }
  const results = new Map<string, number>();
  for (const [key, value] of written.flatMap((w) => [...w])) {
    // A window both wrote (replayed after a handoff) must have the same count from each.
    expect([key, results.get(key) ?? value]).toEqual([key, value]);
    results.set(key, value);
  }
  return {
    outcomes: outcome.map((o) => o.outcome),
    results,
    written,
    stage0: (await leases.snapshot()).leases,
    stage1: (await stage1.snapshot()).leases,
  };
}

describe("a repartitioned job on a bounded input", () => {
  test("ends by itself on both workers, finished, with exactly the counts of a plain computation", async () => {
    const { outcomes, results, written, stage0, stage1 } = await twoWorkersToTheirEnd(
      new MemoryRepartitionChannel(2),
    );
    expect(outcomes).toEqual(["finished", "finished"]);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
    for (const w of written) expect(w.size).toBeGreaterThan(0);
    // Every lease of both stages is finished: the shards were read to their end for this job.
    expect(stage0.map((l) => [l.leaseKey, isFinished(l)])).toEqual(
      ["partition-0", "partition-1", "partition-2", "partition-3"].map((key) => [key, true]),
    );
    expect(stage1.map((l) => [l.leaseKey, isFinished(l)]).sort()).toEqual([
      ["shard-0", true],
      ["shard-1", true],
    ]);
  });

  test("ends by itself with exactly the counts, though every message is stored twice", async () => {
    // Every message stored twice: a put retried after it had in fact succeeded. The dedupe drops
    // the records read twice; whatever follows a shard's last end once it has ended is not read.
    const { outcomes, results } = await twoWorkersToTheirEnd(new MemoryRepartitionChannel(2, () => true));
    expect(outcomes).toEqual(["finished", "finished"]);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
  });

  test("ends by itself with exactly the counts when the source reports no split's end (one split that just ends)", async () => {
    const { outcomes, results, stage0 } = await twoWorkersToTheirEnd(new MemoryRepartitionChannel(2), {
      oneSplit: true,
    });
    expect(outcomes).toEqual(["finished", "finished"]);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
    expect(stage0.map((l) => [l.leaseKey, isFinished(l)])).toEqual([["0", true]]);
  });
});

/** A channel reader of shards `shard-0` and `shard-1` whose reads hand out `events` in turn, then wait. */
function scriptedChannel(events: SourceEvent<Uint8Array>[]): SplittableSource<Uint8Array> {
  return {
    name: "scripted",
    bounded: false,
    listSplits: () => [{ id: "shard-0" }, { id: "shard-1" }],
    open: async (context) => ({
      next: async () =>
        events.shift() ??
        new Promise<undefined>((resolve) =>
          context.signal.addEventListener("abort", () => resolve(undefined)),
        ),
    }),
  };
}

const batch = (split: string, position: number, ...envelopes: Envelope[]): SourceEvent<Uint8Array> => ({
  kind: "data",
  split,
  values: envelopes.map((e) => encodeEnvelope(e, v8Serde)),
  position,
});

const openContext = (
  restoredPositions: ReadonlyMap<string, unknown>,
  signal: AbortSignal,
): SourceContext => ({
  clock: new VirtualClock(),
  logger: silentLogger,
  metrics: new OperatorMetrics("repartition-in"),
  deadLetters: { send: () => {} } as never,
  restoredPositions,
  assignedSplits: new Set(["shard-0", "shard-1"]),
  signal,
});

/** The reader operator over `ends`, as stage 1 runs it right after the source; the watermarks it emits. */
function readerOver(ends: UpstreamEnds, unfinished: readonly string[]) {
  const watermarks: number[] = [];
  const output = {
    emit: () => {},
    emitWatermark: (at: number) => watermarks.push(at),
  } as unknown as Output<unknown>;
  const operator = repartitionReaderOperator({
    keyOf: (value) => String(value),
    serde: v8Serde,
    upstreamSplits: () => unfinished,
    ends,
    sourceId: "repartition-in(per-page)",
  })(testOperatorContext("repartition-reader", new VirtualClock(), 8), output);
  /** Hands `event` to the operator as the source driver would (shard ids prefixed by the source's). */
  const handOn = (event: SourceEvent<unknown> | undefined) => {
    if (event?.kind !== "data") return;
    operator.processBatch({
      kind: "data",
      values: event.values as Uint8Array[],
      timestamps: event.values.map(() => Number.NaN),
      split: `repartition-in(per-page)/${event.split}`,
    });
  };
  return { watermarks, handOn };
}

describe("the repartition stream's source", () => {
  test("once the upstream finished, a shard where every upstream split's end was read is finished at its position; the source ends when every shard is", async () => {
    let finishUpstream!: (splits: readonly string[]) => void;
    const upstreamFinished = new Promise<readonly string[]>((resolve) => {
      finishUpstream = resolve;
    });
    const ends = new UpstreamEnds();
    const abort = new AbortController();
    const source = repartitionStreamSource(
      scriptedChannel([
        batch("shard-0", 1, { kind: "end", split: "a", id: 3 }, { kind: "end", split: "b", id: 4 }),
        batch("shard-1", 1, { kind: "end", split: "a", id: 3 }),
        // A duplicate of b's last record, put again after its end: never handed on.
        batch("shard-0", 2, { kind: "record", split: "b", id: 4, timestamp: 10, value: "x" }),
        batch("shard-1", 2, { kind: "end", split: "b", id: 4 }),
      ]),
      { keyOf: (value) => String(value), ends, upstreamFinished },
    );
    const reader: SourceReader<unknown> = await source.open(openContext(new Map(), abort.signal));
    const { handOn } = readerOver(ends, ["a", "b"]);
    const read = async () => {
      const event = await reader.next();
      handOn(event);
      return event;
    };
    expect(await read()).toMatchObject({ split: "shard-0", position: { inner: 1 } });
    expect(await read()).toMatchObject({ split: "shard-1", position: { inner: 1 } });
    // Every end is read in shard-0, but the upstream has not finished: shard-0 is read on.
    expect(await read()).toMatchObject({ split: "shard-0", position: { inner: 2 } });
    finishUpstream(["a", "b"]);
    await upstreamFinished;
    // shard-0 has every end: finished where the last batch handed on left it.
    expect(await read()).toEqual({
      kind: "split-status",
      split: "shard-0",
      status: "finished",
      position: {
        inner: 2,
        upstreamEnds: [
          ["a", "-Infinity"],
          ["b", "-Infinity"],
        ],
      },
    });
    expect(await read()).toMatchObject({ split: "shard-1", position: { inner: 2 } });
    expect(await read()).toMatchObject({ split: "shard-1", status: "finished" });
    expect(await read()).toBeUndefined();
    abort.abort();
  });

  test("a read waiting for the channel gives way when the upstream finishes: the shards end though nothing more comes", async () => {
    let finishUpstream!: (splits: readonly string[]) => void;
    const upstreamFinished = new Promise<readonly string[]>((resolve) => {
      finishUpstream = resolve;
    });
    const ends = new UpstreamEnds();
    const abort = new AbortController();
    const reader = await repartitionStreamSource(
      scriptedChannel([
        batch("shard-0", 1, { kind: "end", split: "a", id: 3 }),
        batch("shard-1", 5, { kind: "end", split: "a", id: 3 }),
      ]),
      { keyOf: (value) => String(value), ends, upstreamFinished },
    ).open(openContext(new Map(), abort.signal));
    const { handOn } = readerOver(ends, ["a"]);
    handOn(await reader.next());
    handOn(await reader.next());
    const waiting = reader.next(); // the channel has nothing more
    finishUpstream(["a"]);
    expect(await waiting).toMatchObject({ split: "shard-0", status: "finished", position: { inner: 1 } });
    expect(await reader.next()).toMatchObject({
      split: "shard-1",
      status: "finished",
      position: { inner: 5 },
    });
    expect(await reader.next()).toBeUndefined();
    abort.abort();
  });

  test("an unbounded upstream (no upstreamFinished) never ends a shard", async () => {
    const ends = new UpstreamEnds();
    const abort = new AbortController();
    const source = repartitionStreamSource(
      scriptedChannel([batch("shard-0", 1, { kind: "end", split: "a", id: 3 })]),
      { keyOf: (value) => String(value), ends },
    );
    const reader = await source.open(openContext(new Map(), abort.signal));
    const { handOn } = readerOver(ends, []);
    handOn(await reader.next());
    expect(ends.complete("shard-0", ["a"])).toBe(true);
    const next = reader.next();
    const waited = await Promise.race([
      next,
      new Promise((resolve) => setTimeout(() => resolve("waiting"), 50)),
    ]);
    expect(waited).toBe("waiting");
    abort.abort();
    expect(await next).toBeUndefined();
  });

  test("a run restored after a split's end marker, its lease not finished yet, holds the split at its watermark at the end, not at -Infinity", async () => {
    // Run 1 reads, in shard-0, a's watermark 5 000, then a's end; b is at 2 000.
    const ends = new UpstreamEnds();
    const first = new AbortController();
    const run1 = await repartitionStreamSource(
      scriptedChannel([
        batch(
          "shard-0",
          1,
          { kind: "watermark", splits: ["a", "b"], at: 2_000, runs: [NO_RUN, NO_RUN] },
          { kind: "watermark", splits: ["a"], at: 5_000, runs: [NO_RUN] },
          { kind: "end", split: "a", id: 7 },
        ),
      ]),
      { keyOf: (value) => String(value), ends },
    ).open(openContext(new Map(), first.signal));
    const reader1 = readerOver(ends, ["a", "b"]);
    const event = await run1.next();
    reader1.handOn(event);
    // An ended split whose lease is not finished holds at its last watermark.
    expect(reader1.watermarks).toEqual([2_000]);
    first.abort();
    // What a checkpoint there publishes: JSON.
    const published = JSON.parse(JSON.stringify((event as { position: unknown }).position));

    // Run 2, restored there, reads only b moving on: a ended at 5 000 (its marker is not read again).
    const second = new AbortController();
    const run2 = await repartitionStreamSource(
      scriptedChannel([batch("shard-0", 2, { kind: "watermark", splits: ["b"], at: 7_000, runs: [NO_RUN] })]),
      { keyOf: (value) => String(value), ends },
    ).open(openContext(new Map([["shard-0", published]]), second.signal));
    const reader2 = readerOver(ends, ["a", "b"]);
    reader2.handOn(await run2.next());
    expect(reader2.watermarks).toEqual([5_000]);
    second.abort();
  });
});
