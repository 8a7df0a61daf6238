import { sourceContract } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, test } from "vitest";
import { json } from "./decoders.ts";
import { kinesisSource } from "./kinesis-source.ts";
import { type LocalKinesis, startKinesalite } from "./test-support/local-kinesis.ts";
import { jsonEntry, produce, type TestEvent, testEvents } from "./test-support/producer.ts";

let kinesis: LocalKinesis;
let stream: string;
const events = testEvents(60, 5);

beforeAll(async () => {
  kinesis = await startKinesalite();
  stream = await kinesis.createStream("source-contract", 3);
  // One record that is not JSON: it goes to the dead-letter side output, in its shard's order.
  const entries = events.map((e) => jsonEntry(e));
  entries.splice(17, 0, { data: new TextEncoder().encode("{not json"), partitionKey: "k2" });
  await produce(kinesis.connection, stream, entries);
});
afterAll(async () => {
  await kinesis?.stop();
});

describe("kinesisSource keeps the Source contract", () => {
  const source = () =>
    kinesisSource({
      stream,
      decode: json<TestEvent>(),
      connection: kinesis.connection,
      initialPosition: "TRIM_HORIZON",
      getRecordsMaxRecordCount: 4,
      getRecordsIntervalMs: 10,
      shardDiscoveryIntervalMs: 200,
      retry: { baseDelayMs: 10, maxDelayMs: 100 },
    });
  // Each restored reader discovers shards and polls again: a dozen restore points keep it quick.
  for (const c of sourceContract({ source, expected: events, maxRestorePoints: 12 })) test(c.name, c.run);
});
