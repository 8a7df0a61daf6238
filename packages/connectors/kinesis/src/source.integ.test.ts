import { MemoryCheckpointStore, monotonous, pipeline, silentLogger, systemClock } from "@eddy/core";
import { eventually, sourceContext } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { KinesisDeadLetter } from "./dead-letter.ts";
import { json, raw } from "./decoders.ts";
import { createStreamProxy } from "./kinesis-client.ts";
import { kinesisSource } from "./kinesis-source.ts";
import { aggregate } from "./kpl-aggregation.ts";
import type { ShardPosition } from "./shard-position.ts";
import { collectSink } from "./test-support/collect-sink.ts";
import { type LocalKinesis, startKinesalite } from "./test-support/local-kinesis.ts";
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

const quiet = { logger: silentLogger, stopOnSignals: false } as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis?.stop();
});

const fast = {
  getRecordsIntervalMs: 20,
  shardDiscoveryIntervalMs: 200,
  retry: { baseDelayMs: 10, maxDelayMs: 100 },
};

describe("reading a stream", () => {
  test("every record of every shard once, in order per key, stamped with its arrival time", async () => {
    const stream = await kinesis.createStream("read", 3);
    const events = testEvents(300, 7);
    const before = Date.now();
    await produce(
      kinesis.connection,
      stream,
      events.map((e) => jsonEntry(e)),
    );
    const after = Date.now();
    const source = kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: kinesis.connection,
      initialPosition: "TRIM_HORIZON",
      ...fast,
    });
    const sink = collectSink<TestEvent>();
    const job = pipeline("read", quiet);
    job.source(source, { name: "kinesis" }).sink(sink);
    await runUntil(job, () => sink.values.length >= 300, "300 records");
    expect(sink.values).toHaveLength(300);
    for (const [key, count] of countsByKey(events)) {
      expect(sink.values.filter((e) => e.key === key).map((e) => e.seq)).toEqual(range(count));
    }
    for (const ts of sink.timestamps) {
      expect(ts).toBeGreaterThanOrEqual(before - 1_000);
      expect(ts).toBeLessThanOrEqual(after + 1_000);
    }
    const metrics = source.metrics();
    expect(Object.keys(metrics.shards)).toHaveLength(3);
    expect(metrics.records).toBe(300);
    expect(metrics.millisBehindLatest).toBe(0);
    // The job's metrics see every shard through the reader's millisBehindLatest hook.
    const splits = job.metrics.splits("kinesis");
    expect(splits.map((s) => s.split).sort()).toEqual(Object.keys(metrics.shards).sort());
    for (const split of splits) {
      expect(split).toMatchObject({
        status: "active",
        millisBehindLatest: 0,
        position: { kind: "sequence" },
      });
    }
  });

  test("withWatermarks without a timestamp function keeps the arrival time; with one, it replaces it", async () => {
    const stream = await kinesis.createStream("event-time", 1);
    await produce(kinesis.connection, stream, [jsonEntry({ key: "a", seq: 0, ts: 42 })]);
    const arrival = collectSink<number>();
    const own = collectSink<number>();
    const job = pipeline("event-time", quiet);
    const records = job.source(
      kinesisSource({
        stream,
        decode: json<TestEvent>(),
        connection: kinesis.connection,
        initialPosition: "TRIM_HORIZON",
        ...fast,
      }),
    );
    records
      .withWatermarks(monotonous())
      .map((_, ts) => ts)
      .sink(arrival);
    records
      .withWatermarks(monotonous(), (e) => e.ts!)
      .map((_, ts) => ts)
      .sink(own);
    await runUntil(
      job,
      () => arrival.values.length === 1 && own.values.length === 1,
      "one record on each branch",
    );
    expect(Math.abs(arrival.values[0]! - Date.now())).toBeLessThan(60_000);
    expect(own.values).toEqual([42]);
  });

  test("a record that does not decode goes to the dead-letter output with its shard and sequence number; the job goes on", async () => {
    const stream = await kinesis.createStream("dead", 1);
    const good = testEvents(4, 1);
    await produce(kinesis.connection, stream, [
      jsonEntry(good[0]!),
      { data: encoder.encode("{not json"), partitionKey: "bad" },
      jsonEntry(good[1]!),
      jsonEntry(good[2]!),
      { data: encoder.encode("also bad"), partitionKey: "bad" },
      jsonEntry(good[3]!),
    ]);
    const source = kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: kinesis.connection,
      initialPosition: "TRIM_HORIZON",
      ...fast,
    });
    const values = collectSink<TestEvent>();
    const dead = collectSink<KinesisDeadLetter>();
    const job = pipeline("dead", quiet);
    const records = job.source(source);
    records.sink(values);
    records.getSideOutput(source.deadLetters).sink(dead);
    await runUntil(
      job,
      () => values.values.length === 4 && dead.values.length === 2,
      "4 records and 2 dead letters",
    );
    expect(values.values).toEqual(good);
    expect(
      dead.values.map((d) => [
        d.shardId,
        d.reason,
        d.partitionKey,
        decoder.decode(d.data),
        d.subSequenceNumber,
      ]),
    ).toEqual([
      ["shardId-000000000000", "decode", "bad", "{not json", undefined],
      ["shardId-000000000000", "decode", "bad", "also bad", undefined],
    ]);
    expect(dead.values[0]!.error).toMatch(/SyntaxError/);
    expect(dead.values[0]!.sequenceNumber).toMatch(/^\d+$/);
    expect(source.metrics().deadLetters).toBe(2);
  });
});

describe("KPL aggregated records", () => {
  const sub = (e: TestEvent) => ({ data: encoder.encode(JSON.stringify(e)), partitionKey: e.key });

  test("decode to the same user records; a corrupt aggregate is a dead letter, a bad digest passes through whole", async () => {
    const stream = await kinesis.createStream("kpl", 2);
    const events = testEvents(40, 4);
    const aggregated = aggregate(events.slice(0, 30).map(sub));
    // A valid digest over bytes that are not an AggregatedRecord: corrupt.
    const corrupt = corruptAggregate();
    // A digest that does not match: not an aggregate at all (the KCL's rule), read as one record.
    const badDigest = aggregate(events.slice(30, 32).map(sub));
    badDigest[badDigest.length - 1]! ^= 0xff;
    await produce(kinesis.connection, stream, [
      { data: aggregated, partitionKey: "agg" },
      { data: corrupt, partitionKey: "corrupt" },
      { data: badDigest, partitionKey: "digest" },
      ...events.slice(32).map((e) => jsonEntry(e)),
    ]);
    const source = kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: kinesis.connection,
      initialPosition: "TRIM_HORIZON",
      ...fast,
    });
    const values = collectSink<TestEvent>();
    const dead = collectSink<KinesisDeadLetter>();
    const job = pipeline("kpl", quiet);
    const records = job.source(source);
    records.sink(values);
    records.getSideOutput(source.deadLetters).sink(dead);
    await runUntil(
      job,
      () => values.values.length === 38 && dead.values.length === 2,
      "38 records and 2 dead letters",
    );
    const expected = [...events.slice(0, 30), ...events.slice(32)];
    expect([...values.values].sort(byKeySeq)).toEqual([...expected].sort(byKeySeq));
    const reasons = dead.values.map((d) => [d.partitionKey, d.reason]).sort();
    expect(reasons).toEqual([
      ["corrupt", "corrupt-aggregate"],
      ["digest", "decode"],
    ]);
    expect(dead.values.find((d) => d.partitionKey === "digest")!.data).toEqual(badDigest);
  });

  test("a restore in the middle of an aggregate neither replays nor skips its sub-records", async () => {
    const stream = await kinesis.createStream("kpl-restore", 1);
    const events = testEvents(10, 1);
    await produce(kinesis.connection, stream, [
      { data: aggregate(events.slice(0, 6).map(sub)), partitionKey: "k0" },
      { data: aggregate(events.slice(6).map(sub)), partitionKey: "k0" },
    ]);
    const proxy = createStreamProxy(kinesis.connection);
    const [shard] = await proxy.listShards(stream);
    const iterator = await proxy.getShardIterator(stream, shard!.shardId, { type: "TRIM_HORIZON" });
    const [first] = (await proxy.getRecords(iterator, 10)).records;
    proxy.close();
    // As if the last checkpoint covered sub-records 0..3 of the first aggregate.
    const position: ShardPosition = {
      kind: "sequence",
      sequenceNumber: first!.sequenceNumber,
      subSequenceNumber: 3,
      complete: false,
    };
    const source = kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: kinesis.connection,
      ...fast,
    });
    const stop = new AbortController();
    const reader = await source.open(
      sourceContext({
        clock: systemClock,
        restoredPositions: new Map([[shard!.shardId, position]]),
        signal: stop.signal,
      }),
    );
    const seen: number[] = [];
    const positions: unknown[] = [];
    while (seen.length < 6) {
      const event = await reader.next();
      if (event?.kind !== "data") continue;
      seen.push(...event.values.map((e) => e.seq));
      positions.push(event.position);
    }
    stop.abort();
    await reader.close?.();
    expect(seen).toEqual([4, 5, 6, 7, 8, 9]);
    expect(positions.at(-1)).toMatchObject({ kind: "sequence", subSequenceNumber: 3, complete: true });
  });

  test("the raw decoder hands over a non-aggregate's bytes untouched", async () => {
    const stream = await kinesis.createStream("raw", 1);
    const bytes = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2, 1, 2, 3);
    await produce(kinesis.connection, stream, [{ data: bytes, partitionKey: "p" }]);
    const values = collectSink<Uint8Array>();
    const job = pipeline("raw", quiet);
    job
      .source(
        kinesisSource({
          stream,
          decode: raw(),
          connection: kinesis.connection,
          initialPosition: "TRIM_HORIZON",
          ...fast,
        }),
      )
      .sink(values);
    await runUntil(job, () => values.values.length === 1, "one record");
    expect(new Uint8Array(values.values[0]!)).toEqual(bytes);
  });
});

describe("starting positions", () => {
  test("LATEST reads only what arrives after the start, and a restore before any record does not skip ahead", async () => {
    const stream = await kinesis.createStream("latest", 2);
    await produce(
      kinesis.connection,
      stream,
      testEvents(10, 2).map((e) => jsonEntry(e)),
    );
    const store = new MemoryCheckpointStore();
    const build = () => {
      const source = kinesisSource({
        stream,
        decode: json<TestEvent>(),
        connection: kinesis.connection,
        ...fast,
      });
      const sink = collectSink<TestEvent>();
      const job = pipeline("latest", { ...quiet, checkpoints: { store, every: 30, retryDelay: 1 } });
      job.source(source, { name: "kinesis" }).sink(sink);
      return { job, sink, source };
    };
    // First run: started, checkpointed, stopped before any new record arrives.
    const first = build();
    await runUntil(
      first.job,
      async () =>
        Object.values(first.source.metrics().shards).filter((s) => s.lastReadAt !== undefined).length === 2 &&
        (await store.checkpoints("latest")).length > 1,
      "both shards polled and a checkpoint",
    );
    expect(first.sink.values).toEqual([]);
    // Written while no job runs: a plain LATEST restart would skip these.
    const later = testEvents(6, 2, [100, 100]);
    await produce(
      kinesis.connection,
      stream,
      later.map((e) => jsonEntry(e)),
    );
    const second = build();
    const result = await runUntil(
      second.job,
      () => second.sink.values.length >= 6,
      "the records written while stopped",
    );
    expect(result.restoredFrom).toBeGreaterThan(0);
    expect([...second.sink.values].sort(byKeySeq)).toEqual([...later].sort(byKeySeq));
  });

  test("AT_TIMESTAMP starts at the first record that arrived at or after the timestamp", async () => {
    const stream = await kinesis.createStream("at-timestamp", 1);
    await produce(
      kinesis.connection,
      stream,
      testEvents(5, 1).map((e) => jsonEntry(e)),
    );
    await new Promise((r) => setTimeout(r, 50));
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    const later = testEvents(5, 1, [5]);
    await produce(
      kinesis.connection,
      stream,
      later.map((e) => jsonEntry(e)),
    );
    const sink = collectSink<TestEvent>();
    const job = pipeline("at-timestamp", quiet);
    job
      .source(
        kinesisSource({
          stream,
          decode: json<TestEvent>(),
          connection: kinesis.connection,
          initialPosition: "AT_TIMESTAMP",
          initialTimestamp: from,
          ...fast,
        }),
      )
      .sink(sink);
    await runUntil(job, () => sink.values.length >= 5, "five records");
    expect(sink.values).toEqual(later);
  });
});

describe("checkpoints", () => {
  test("a job stopped abruptly mid-stream resumes from its last checkpoint: exactly-once state, order per key kept", async () => {
    const stream = await kinesis.createStream("crash", 3);
    const firstEvents = testEvents(300, 6);
    await produce(
      kinesis.connection,
      stream,
      firstEvents.map((e) => jsonEntry(e)),
    );
    const store = new MemoryCheckpointStore();
    const build = () => {
      const sink = collectSink<Tally>();
      const job = pipeline("crash", { ...quiet, checkpoints: { store, every: 40, retryDelay: 1 } });
      job
        .source(
          kinesisSource({
            stream,
            decode: json<TestEvent>(),
            connection: kinesis.connection,
            initialPosition: "TRIM_HORIZON",
            ...fast,
            getRecordsMaxRecordCount: 5,
            getRecordsIntervalMs: 40,
          }),
          { name: "kinesis" },
        )
        .map(tallyOf)
        .keyBy((t) => t.key)
        .reduce(mergeTallies, { name: "tally" })
        .sink(sink);
      return { job, sink };
    };

    const first = build();
    const firstRun = first.job.run();
    await eventually(() => first.sink.values.length >= 120, {
      what: "120 records in the first run",
      timeoutMs: 20_000,
    });
    await eventually(async () => (await store.checkpoints("crash")).length > 0, {
      what: "a checkpoint",
      timeoutMs: 20_000,
    });
    expect((await store.checkpoints("crash")).length).toBeGreaterThan(0);
    await first.job.stop();
    expect((await firstRun).outcome).toBe("stopped");
    const readBeforeCrash = first.sink.values.length;
    expect(readBeforeCrash).toBeLessThan(300);

    const moreEvents = testEvents(120, 6, [50, 50, 50, 50, 50, 50]);
    await produce(
      kinesis.connection,
      stream,
      moreEvents.map((e) => jsonEntry(e)),
    );
    const second = build();
    const expected = countsByKey([...firstEvents, ...moreEvents]);
    const latest = () => latestByKey([...first.sink.values, ...second.sink.values]);
    const result = await runUntil(
      second.job,
      () => complete(latest(), expected),
      "every record after the restart",
    );
    expect(result.restoredFrom).toBeGreaterThan(0);
    for (const [key, count] of expected) expect(latest().get(key)).toEqual(range(count));
  });
});

function byKeySeq(a: TestEvent, b: TestEvent): number {
  return a.key === b.key ? a.seq - b.seq : a.key < b.key ? -1 : 1;
}

function corruptAggregate(): Uint8Array {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const body = Uint8Array.of(0x1a, 0x05, 0x08); // a record field whose length runs past the end
  const out = new Uint8Array(4 + body.length + 16);
  out.set([0xf3, 0x89, 0x9a, 0xc2]);
  out.set(body, 4);
  out.set(createHash("md5").update(body).digest(), 4 + body.length);
  return out;
}
