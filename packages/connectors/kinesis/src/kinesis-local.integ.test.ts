import { pipeline, silentLogger } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { json } from "./decoders.ts";
import { createStreamProxy, type ShardInfo } from "./kinesis-client.ts";
import { kinesisSource } from "./kinesis-source.ts";
import { collectSink } from "./test-support/collect-sink.ts";
import { type LocalKinesis, startKinesisLocal } from "./test-support/local-kinesis.ts";
import { jsonEntry, produce, runUntil, type TestEvent, testEvents } from "./test-support/producer.ts";
import { countsByKey, range } from "./test-support/tally.ts";

// kinesis-local speaks what kinesalite does not: ChildShards at a shard's end, and enhanced fan-out.
const quiet = { logger: silentLogger, stopOnSignals: false } as const;

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startKinesisLocal();
}, 60_000);
afterAll(async () => {
  await kinesis?.stop();
});

const middle = (shard: ShardInfo) =>
  ((BigInt(shard.startingHashKey) + BigInt(shard.endingHashKey) + 1n) / 2n).toString();

async function splitWhileReading(readerType: "POLLING" | "EFO") {
  const stream = await kinesis.createStream(`split-${readerType.toLowerCase()}`, 1);
  const events = testEvents(160, 8);
  await produce(
    kinesis.connection,
    stream,
    events.slice(0, 80).map((e) => jsonEntry(e)),
  );
  const source = kinesisSource({
    stream,
    decode: json<TestEvent>(),
    connection: kinesis.connection,
    initialPosition: "TRIM_HORIZON",
    readerType,
    efoConsumerName: "eddy-test",
    getRecordsIntervalMs: 50,
    // Polling: discovery is slow on purpose, the child shards must come from the parent's
    // ChildShards. Fan-out: kinesis-local never ends a subscription to a closed shard, so the
    // reader learns from a listing that the shard is closed and checks its end.
    shardDiscoveryIntervalMs: readerType === "POLLING" ? 60_000 : 500,
    retry: { baseDelayMs: 50, maxDelayMs: 500 },
  });
  const sink = collectSink<TestEvent>();
  const job = pipeline(`split-${readerType}`, quiet);
  job.source(source).sink(sink);
  const proxy = createStreamProxy(kinesis.connection);
  let resharded = false;
  await runUntil(
    job,
    async () => {
      if (!resharded && sink.values.length >= 80) {
        resharded = true;
        const [shard] = await proxy.listShards(stream);
        await kinesis.admin.splitShard(stream, shard!.shardId, middle(shard!));
        await produce(
          kinesis.connection,
          stream,
          events.slice(80).map((e) => jsonEntry(e)),
        );
      }
      return sink.values.length >= 160;
    },
    "every record",
    45_000,
  );
  proxy.close();
  expect(sink.values).toHaveLength(160);
  for (const [key, n] of countsByKey(events))
    expect(sink.values.filter((e) => e.key === key).map((e) => e.seq)).toEqual(range(n));
  const shards = source.metrics().shards;
  expect(shards["shardId-000000000000"]?.status).toBe("finished");
  expect(Object.keys(shards)).toHaveLength(3);
}

describe("against kinesis-local", () => {
  test("polling: a split's children are found from ChildShards and read after their parent", async () => {
    await splitWhileReading("POLLING");
  }, 60_000);

  test("enhanced fan-out: subscribes per shard, resubscribes across the split, keeps order per key", async () => {
    await splitWhileReading("EFO");
  }, 60_000);

  test("enhanced fan-out: a shard whose subscription is still held elsewhere is retried with backoff until it is free", async () => {
    const stream = await kinesis.createStream("in-use", 1);
    const events = testEvents(30, 3);
    await produce(
      kinesis.connection,
      stream,
      events.map((e) => jsonEntry(e)),
    );
    const proxy = createStreamProxy(kinesis.connection);
    const arn = await proxy.streamArn(stream);
    await proxy.registerConsumer(arn, "held");
    await eventually(async () => (await proxy.describeConsumer(arn, "held")).status === "ACTIVE", {
      what: "an ACTIVE consumer",
      timeoutMs: 20_000,
    });
    const consumer = await proxy.describeConsumer(arn, "held");
    const [shard] = await proxy.listShards(stream);
    // Someone else (a previous run, say) still holds the shard's subscription.
    const holder = new AbortController();
    const held = await proxy.subscribeToShard(
      consumer.arn,
      shard!.shardId,
      { type: "LATEST" },
      holder.signal,
    );
    await held[Symbol.asyncIterator]().next();
    setTimeout(() => holder.abort(), 1_500);

    const source = kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: kinesis.connection,
      initialPosition: "TRIM_HORIZON",
      readerType: "EFO",
      efoConsumerName: "held",
      efoLifecycle: "SELF_MANAGED",
      retry: { baseDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 20 },
    });
    const sink = collectSink<TestEvent>();
    const job = pipeline("in-use", quiet);
    job.source(source).sink(sink);
    await runUntil(job, () => sink.values.length >= 30, "every record", 30_000);
    proxy.close();
    expect(sink.values).toEqual(events);
    expect(source.metrics().retries).toBeGreaterThan(0);
  }, 60_000);
});
