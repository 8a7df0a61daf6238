import { fromIterable, pipeline, silentLogger, VirtualClock } from "@eddy/core";
import { sinkContext } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { json } from "./decoders.ts";
import { createStreamProxy } from "./kinesis-client.ts";
import { kinesisSink } from "./kinesis-sink.ts";
import { kinesisSource } from "./kinesis-source.ts";
import { collectSink } from "./test-support/collect-sink.ts";
import { connectionFor, type LocalKinesis, startKinesalite } from "./test-support/local-kinesis.ts";
import { runUntil, type TestEvent, testEvents } from "./test-support/producer.ts";
import { storedRecords } from "./test-support/stored-records.ts";
import { startThrottlingProxy } from "./test-support/throttling-proxy.ts";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis?.stop();
});

const decoder = new TextDecoder();

describe("batching", () => {
  test("at most maxBatchSize records per PutRecords call, flushed at the end of input", async () => {
    const stream = await kinesis.createStream("batch-count", 2);
    const events = testEvents(1_200, 10);
    const sink = kinesisSink<TestEvent>({
      stream,
      connection: kinesis.connection,
      partitionKey: (e) => e.key,
      maxTimeInBufferMS: 60_000,
    });
    const job = pipeline("batch-count", quiet);
    job.source(fromIterable(events, { batchSize: 100 })).sink(sink);
    await job.run();
    expect(sink.metrics()).toMatchObject({ records: 1_200, requests: 3, buffered: 0, inFlightRequests: 0 });
    const stored = await storedRecords(kinesis.connection, stream);
    expect(
      stored
        .map((r) => JSON.parse(decoder.decode(r.data)) as TestEvent)
        .sort((a, b) => (a.key + a.seq).localeCompare(b.key + b.seq)),
    ).toEqual([...events].sort((a, b) => (a.key + a.seq).localeCompare(b.key + b.seq)));
  });

  test("at most maxBatchSizeInBytes per call; a record over maxRecordSizeInBytes is a dead letter, or fails the write with failOnError, naming it", async () => {
    const stream = await kinesis.createStream("batch-bytes", 1);
    const big = "x".repeat(1_000_000);
    const options = {
      stream,
      connection: kinesis.connection,
      partitionKey: (r: { id: string }) => r.id,
      serialize: (r: { pad: string }) => r.pad,
      maxTimeInBufferMS: 60_000,
    };
    const sink = kinesisSink<{ id: string; pad: string }>(options);
    const context = sinkContext();
    sink.open?.(context);
    await sink.write(
      Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, pad: big })),
      [],
    );
    await sink.finish?.();
    // 12 records of ~1 MB: five fit in 5 MiB.
    expect(sink.metrics().requests).toBe(3);
    const tooLarge =
      /the record with partition key "huge" is 1048580 bytes \(data and partition key\), more than maxRecordSizeInBytes \(1048576\)/;
    const huge = { id: "huge", pad: "y".repeat(1024 * 1024) };
    await sink.write([huge, { id: "small", pad: "z" }], [1_000, 2_000]);
    await sink.finish?.();
    expect(context.deadLettersSent).toHaveLength(1);
    expect(context.deadLettersSent[0]).toMatchObject({
      origin: `kinesis(${stream})`,
      reason: "too-large",
      value: huge,
      timestamp: 1_000,
      details: { partitionKey: "huge" },
    });
    expect(context.deadLettersSent[0]!.error).toMatch(tooLarge);
    await sink.close?.();
    expect(await storedRecords(kinesis.connection, stream)).toHaveLength(13);

    const strict = kinesisSink<{ id: string; pad: string }>({ ...options, failOnError: true });
    strict.open?.(sinkContext());
    expect(() => strict.write([huge], [])).toThrow(tooLarge);
    await strict.close?.();
  });
});

describe("routing", () => {
  test("an explicit hash key overrides the partition key's hash", async () => {
    const stream = await kinesis.createStream("hash-key", 2);
    const high = ((1n << 128n) - 1n).toString();
    const sink = kinesisSink<TestEvent>({
      stream,
      connection: kinesis.connection,
      partitionKey: (e) => e.key,
      explicitHashKey: () => high,
    });
    const job = pipeline("hash-key", quiet);
    job.source(fromIterable(testEvents(40, 8), { batchSize: 50 })).sink(sink);
    await job.run();
    const proxy = createStreamProxy(kinesis.connection);
    const [low, upper] = await proxy.listShards(stream);
    const count = async (shardId: string) => {
      const iterator = await proxy.getShardIterator(stream, shardId, { type: "TRIM_HORIZON" });
      return (await proxy.getRecords(iterator, 1_000)).records.length;
    };
    expect([await count(low!.shardId), await count(upper!.shardId)]).toEqual([0, 40]);
    proxy.close();
  });
});

describe("buffering", () => {
  test("write returns a promise while the buffer is full (backpressure), and the barrier flushes everything", async () => {
    const stream = await kinesis.createStream("buffer", 1);
    const sink = kinesisSink<TestEvent>({
      stream,
      connection: kinesis.connection,
      partitionKey: (e) => e.key,
      maxBatchSize: 100,
      maxBufferedRequests: 100,
      maxInFlightRequests: 1,
      maxTimeInBufferMS: 60_000,
    });
    sink.open?.(sinkContext());
    const events = testEvents(250, 5);
    const small = sink.write(events.slice(0, 10), []);
    expect(small).toBeUndefined();
    expect(sink.metrics()).toMatchObject({ requests: 0, buffered: 10 });
    const full = sink.write(events.slice(10, 250), []);
    expect(full).toBeInstanceOf(Promise);
    await full;
    expect(sink.metrics().buffered).toBeLessThan(100);
    expect(await storedRecords(kinesis.connection, stream)).toHaveLength(200);
    await sink.snapshot?.(1);
    expect(sink.metrics()).toMatchObject({ buffered: 0, inFlightRequests: 0 });
    expect(await storedRecords(kinesis.connection, stream)).toHaveLength(250);
    await sink.close?.();
  });

  test("a partial batch leaves after maxTimeInBufferMS of the job's clock", async () => {
    const stream = await kinesis.createStream("buffer-time", 1);
    const sink = kinesisSink<TestEvent>({
      stream,
      connection: kinesis.connection,
      partitionKey: (e) => e.key,
      maxTimeInBufferMS: 50,
    });
    const clock = new VirtualClock();
    sink.open?.(sinkContext({ clock }));
    await sink.write(testEvents(3, 1), []);
    clock.advanceTo(49);
    expect(sink.metrics()).toMatchObject({ requests: 0, buffered: 3 });
    clock.advanceTo(50);
    expect(sink.metrics()).toMatchObject({ requests: 1, buffered: 0 });
    await sink.snapshot?.(1);
    expect(await storedRecords(kinesis.connection, stream)).toHaveLength(3);
    await sink.close?.();
  });
});

describe("failures", () => {
  test("with failOnError, the first rejected entry fails the job with Kinesis's reason", async () => {
    const stream = await kinesis.createStream("fail-on-error", 1);
    const throttling = await startThrottlingProxy(kinesis.endpoint, {
      callShare: 0,
      entryShare: 0.5,
      seed: 3,
    });
    try {
      const job = pipeline("fail-on-error", quiet);
      job.source(fromIterable(testEvents(50, 2), { batchSize: 50 })).sink(
        kinesisSink<TestEvent>({
          stream,
          connection: connectionFor(throttling.endpoint),
          partitionKey: (e) => e.key,
          failOnError: true,
        }),
      );
      await expect(job.run()).rejects.toThrow(
        /the record with partition key "k\d" failed \(ProvisionedThroughputExceededException: .*\) and failOnError is set/,
      );
    } finally {
      await throttling.stop();
    }
  });

  test("a missing stream fails at once (not retried)", async () => {
    const job = pipeline("no-stream", quiet);
    const sink = kinesisSink<TestEvent>({
      stream: "does-not-exist",
      connection: kinesis.connection,
      partitionKey: (e) => e.key,
    });
    job.source(fromIterable(testEvents(5, 1), { batchSize: 50 })).sink(sink);
    await expect(job.run()).rejects.toThrow(/ResourceNotFound|not found|does not exist/i);
    expect(sink.metrics().retriedEntries).toBe(0);
  });
});

describe("KPL aggregation on write", () => {
  test("packs records of a key into aggregates that the source splits back, in order", async () => {
    const stream = await kinesis.createStream("aggregate", 2);
    const events = testEvents(300, 3);
    const writer = pipeline("aggregate-write", quiet);
    const sink = kinesisSink<TestEvent>({
      stream,
      connection: kinesis.connection,
      partitionKey: (e) => e.key,
      aggregation: { maxBytes: 2_000 },
    });
    writer.source(fromIterable(events, { batchSize: 300 })).sink(sink);
    await writer.run();
    const stored = await storedRecords(kinesis.connection, stream);
    expect(stored.length).toBeLessThan(30);
    expect(stored.length).toBeGreaterThan(3);

    const read = collectSink<TestEvent>();
    const reader = pipeline("aggregate-read", quiet);
    reader
      .source(
        kinesisSource({
          stream,
          decode: json<TestEvent>(),
          connection: kinesis.connection,
          initialPosition: "TRIM_HORIZON",
          getRecordsIntervalMs: 20,
        }),
      )
      .sink(read);
    await runUntil(reader, () => read.values.length >= 300, "300 records");
    expect(read.values).toHaveLength(300);
    for (const key of ["k0", "k1", "k2"]) {
      expect(read.values.filter((e) => e.key === key)).toEqual(events.filter((e) => e.key === key));
    }
  });
});
