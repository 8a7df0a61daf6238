import {
  count,
  fromIterable,
  monotonous,
  pipeline,
  silentLogger,
  type TimeWindow,
  tumbling,
  type WindowResult,
} from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { json } from "./decoders.ts";
import { createStreamProxy, type ShardInfo } from "./kinesis-client.ts";
import { kinesisSink } from "./kinesis-sink.ts";
import { kinesisSource } from "./kinesis-source.ts";
import { collectSink } from "./test-support/collect-sink.ts";
import { connectionFor, type LocalKinesis, startKinesalite } from "./test-support/local-kinesis.ts";
import { jsonEntry, produce, runUntil, type TestEvent, testEvents } from "./test-support/producer.ts";
import {
  complete,
  countsByKey,
  latestByKey,
  mergeTallies,
  range,
  type Tally,
  tallyOf,
} from "./test-support/tally.ts";
import { startThrottlingProxy } from "./test-support/throttling-proxy.ts";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;
const fast = {
  getRecordsIntervalMs: 20,
  shardDiscoveryIntervalMs: 200,
  retry: { baseDelayMs: 10, maxDelayMs: 100 },
};

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis?.stop();
});

const MAX_HASH = (1n << 128n) - 1n;
const middle = (shard: ShardInfo) =>
  ((BigInt(shard.startingHashKey) + BigInt(shard.endingHashKey) + 1n) / 2n).toString();

describe("resharding", () => {
  test("split and merge while a job reads: every record once in state, order per key kept", async () => {
    const stream = await kinesis.createStream("reshard", 2);
    const proxy = createStreamProxy(kinesis.connection);
    const events = testEvents(600, 12);
    const expected = countsByKey(events);
    const sink = collectSink<Tally>();
    const source = kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: kinesis.connection,
      initialPosition: "TRIM_HORIZON",
      ...fast,
    });
    const job = pipeline("reshard", quiet);
    job
      .source(source)
      .map(tallyOf)
      .keyBy((t) => t.key)
      .reduce(mergeTallies)
      .sink(sink);

    let written = 0;
    const producing = (async () => {
      for (; written < events.length; written += 20) {
        await produce(
          kinesis.connection,
          stream,
          events.slice(written, written + 20).map((e) => jsonEntry(e)),
        );
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const resharding = (async () => {
      await eventually(() => written >= 200, { what: "a third of the records", timeoutMs: 20_000 });
      const [first] = await proxy.listShards(stream);
      await kinesis.admin.splitShard(stream, first!.shardId, middle(first!));
      await eventually(() => written >= 400, { what: "two thirds of the records", timeoutMs: 20_000 });
      const open = (await proxy.listShards(stream)).filter((s) => !s.closed);
      const upperChild = open.find(
        (s) => s.parentShardIds.includes(first!.shardId) && s.endingHashKey === first!.endingHashKey,
      )!;
      const neighbour = open.find(
        (s) => BigInt(s.startingHashKey) === BigInt(upperChild.endingHashKey) + 1n,
      )!;
      await kinesis.admin.mergeShards(stream, upperChild.shardId, neighbour.shardId);
    })();

    await runUntil(
      job,
      async () => {
        return complete(latestByKey(sink.values), expected);
      },
      "every record",
      40_000,
    );
    await Promise.all([producing, resharding]);
    const shards = await proxy.listShards(stream);
    proxy.close();
    expect(shards).toHaveLength(5);
    const latest = latestByKey(sink.values);
    for (const [key, n] of expected) expect(latest.get(key)).toEqual(range(n));
    const metrics = source.metrics();
    expect(Object.values(metrics.shards).filter((s) => s.status === "finished")).toHaveLength(3);
    expect(metrics.records).toBe(600);
  }, 60_000);
});

describe("throttling", () => {
  test("with a share of GetRecords and PutRecords calls throttled and PutRecords entries rejected, no record is lost or duplicated", async () => {
    const stream = await kinesis.createStream("throttle", 2);
    // One proxy per phase, each with its own seeded sequence of draws: the first twenty draws of
    // seed 7 and of seed 11 hold values under 0.3, so each phase sees throttled calls for sure.
    const writeProxy = await startThrottlingProxy(kinesis.endpoint, {
      callShare: 0.3,
      entryShare: 0.2,
      seed: 7,
    });
    const readProxy = await startThrottlingProxy(kinesis.endpoint, {
      callShare: 0.3,
      entryShare: 0,
      seed: 11,
    });
    const patient = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 30 };
    try {
      const events = testEvents(400, 8);
      const writer = pipeline("throttle-write", quiet);
      const sink = kinesisSink<TestEvent>({
        stream,
        connection: connectionFor(writeProxy.endpoint),
        partitionKey: (e) => e.key,
        maxBatchSize: 50,
        maxInFlightRequests: 2,
        maxTimeInBufferMS: 20,
        retry: patient,
      });
      writer.source(fromIterable(events, { batchSize: 25 })).sink(sink);
      expect((await writer.run()).outcome).toBe("finished");
      expect(sink.metrics().retriedEntries).toBeGreaterThan(0);
      expect(writeProxy.counts.throttledCalls.PutRecords).toBeGreaterThan(0);
      expect(writeProxy.counts.failedEntries).toBeGreaterThan(0);

      const tallies = collectSink<Tally>();
      const source = kinesisSource({
        stream,
        decode: json<TestEvent>(),
        connection: connectionFor(readProxy.endpoint),
        initialPosition: "TRIM_HORIZON",
        ...fast,
        getRecordsMaxRecordCount: 20,
        retry: patient,
      });
      const reader = pipeline("throttle-read", quiet);
      reader
        .source(source)
        .map(tallyOf)
        .keyBy((t) => t.key)
        .reduce(mergeTallies)
        .sink(tallies);
      const expected = countsByKey(events);
      let completeAt: number | undefined;
      // Keep reading a while after the last record, so a duplicate, if there were one, shows.
      await runUntil(
        reader,
        () => {
          if (completeAt === undefined && complete(latestByKey(tallies.values), expected))
            completeAt = Date.now();
          return completeAt !== undefined && Date.now() - completeAt > 300;
        },
        "every record",
      );
      const latest = latestByKey(tallies.values);
      // The sink retries rejected entries later, so order per key is not kept here: compare sets.
      for (const [key, n] of expected) expect([...latest.get(key)!].sort((x, y) => x - y)).toEqual(range(n));
      expect(readProxy.counts.throttledCalls.GetRecords).toBeGreaterThan(0);
      // A call throttled as the job stops is not retried, so the count may be one short.
      expect(source.metrics().retries).toBeGreaterThanOrEqual(
        readProxy.counts.throttledCalls.GetRecords! - 2,
      );
    } finally {
      await writeProxy.stop();
      await readProxy.stop();
    }
  }, 60_000);

  test("a shard throttled on every call fails the job with a clear error after the bounded retries", async () => {
    const stream = await kinesis.createStream("throttle-always", 1);
    await produce(kinesis.connection, stream, [jsonEntry({ key: "a", seq: 0 })]);
    const throttling = await startThrottlingProxy(kinesis.endpoint, {
      callShare: 1,
      entryShare: 0,
      operations: ["GetRecords"],
    });
    try {
      const job = pipeline("throttle-always", quiet);
      job
        .source(
          kinesisSource({
            stream,
            decode: json(),
            connection: connectionFor(throttling.endpoint),
            initialPosition: "TRIM_HORIZON",
            ...fast,
            retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
          }),
        )
        .sink(collectSink());
      await expect(job.run()).rejects.toThrow(
        /GetRecords on throttle-always-\w+\/shardId-000000000000 failed 4 times in a row, the last time with ProvisionedThroughputExceededException/,
      );
      expect(throttling.counts.throttledCalls.GetRecords).toBe(4);
    } finally {
      await throttling.stop();
    }
  });
});

describe("pacing", () => {
  test("at most one GetRecords call per getRecordsIntervalMs per shard (default 200 ms: 5 per second)", async () => {
    const stream = await kinesis.createStream("pacing", 2);
    const counting = await startThrottlingProxy(kinesis.endpoint, { callShare: 0, entryShare: 0 });
    try {
      const job = pipeline("pacing", quiet);
      job
        .source(
          kinesisSource({
            stream,
            decode: json(),
            connection: connectionFor(counting.endpoint),
            initialPosition: "TRIM_HORIZON",
          }),
        )
        .sink(collectSink());
      const started = Date.now();
      await runUntil(job, () => Date.now() - started >= 2_000, "two seconds");
      const seconds = (Date.now() - started) / 1_000;
      const calls = counting.counts.forwardedCalls.GetRecords ?? 0;
      // Two shards, five calls per second each, one more each for the first call at time 0.
      expect(calls).toBeLessThanOrEqual(2 * (5 * seconds + 1));
      expect(calls).toBeGreaterThanOrEqual(2 * 5);
    } finally {
      await counting.stop();
    }
  });
});

describe("expired iterators", () => {
  test("a reader whose iterator expired resumes after the last record it consumed", async () => {
    const stream = await kinesis.createStream("expired", 2);
    const events = testEvents(200, 6);
    await produce(
      kinesis.connection,
      stream,
      events.map((e) => jsonEntry(e)),
    );
    const expiring = await startThrottlingProxy(kinesis.endpoint, {
      callShare: 0.4,
      entryShare: 0,
      seed: 5,
      operations: ["GetRecords"],
      error: "ExpiredIteratorException",
    });
    try {
      const sink = collectSink<TestEvent>();
      const job = pipeline("expired", quiet);
      job
        .source(
          kinesisSource({
            stream,
            decode: json<TestEvent>(),
            connection: connectionFor(expiring.endpoint),
            initialPosition: "TRIM_HORIZON",
            ...fast,
            getRecordsMaxRecordCount: 10,
          }),
        )
        .sink(sink);
      let doneAt: number | undefined;
      await runUntil(
        job,
        () => {
          if (doneAt === undefined && sink.values.length >= 200) doneAt = Date.now();
          return doneAt !== undefined && Date.now() - doneAt > 200;
        },
        "every record",
      );
      expect(expiring.counts.throttledCalls.GetRecords).toBeGreaterThan(3);
      expect(sink.values).toHaveLength(200);
      for (const [key, n] of countsByKey(events)) {
        expect(sink.values.filter((e) => e.key === key).map((e) => e.seq)).toEqual(range(n));
      }
    } finally {
      await expiring.stop();
    }
  });
});

describe("idle shards", () => {
  const LOW = "0";
  const HIGH = MAX_HASH.toString();

  async function windowsWhileOneShardIsQuiet(shardIdleTimeoutMs: number | undefined, runForMs: number) {
    const stream = await kinesis.createStream("idle", 2);
    // The quiet shard gets one early record, then nothing: without idleness its watermark holds the job's back.
    await produce(kinesis.connection, stream, [jsonEntry({ key: "quiet", seq: 0, ts: 1_000 }, HIGH)]);
    const results = collectSink<WindowResult<string, TimeWindow, number>>();
    const job = pipeline("idle", quiet);
    job
      .source(
        kinesisSource({
          stream,
          decode: json<TestEvent>(),
          connection: kinesis.connection,
          initialPosition: "TRIM_HORIZON",
          ...fast,
          shardIdleTimeoutMs,
        }),
      )
      .withWatermarks(monotonous(), (e) => e.ts!)
      .keyBy((e) => e.key)
      .window(tumbling(1_000))
      .aggregate(count())
      .sink(results);
    let stop = false;
    const producing = (async () => {
      for (let i = 0; !stop; i++) {
        await produce(kinesis.connection, stream, [
          jsonEntry({ key: "busy", seq: i, ts: 1_000 + i * 100 }, LOW),
        ]);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const started = Date.now();
    try {
      await runUntil(
        job,
        () => results.values.some((r) => r.window.end >= 4_000) || Date.now() - started > runForMs,
        "windows or time out",
        runForMs + 5_000,
      );
    } finally {
      stop = true;
      await producing;
    }
    return results.values;
  }

  test("a caught-up shard without records is reported idle and does not stall window results", async () => {
    const values = await windowsWhileOneShardIsQuiet(300, 10_000);
    expect(values.some((r) => r.key === "busy" && r.window.end >= 4_000 && r.value === 10)).toBe(true);
  }, 30_000);

  test("without shard idleness the quiet shard holds every window back", async () => {
    const values = await windowsWhileOneShardIsQuiet(undefined, 1_500);
    expect(values).toEqual([]);
  }, 30_000);
});
