import { sinkContract } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, test } from "vitest";
import { kinesisSink } from "./kinesis-sink.ts";
import { deaggregate } from "./kpl-aggregation.ts";
import { type LocalKinesis, startKinesalite } from "./test-support/local-kinesis.ts";
import type { TestEvent } from "./test-support/producer.ts";
import { storedRecords } from "./test-support/stored-records.ts";

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis?.stop();
});

const decoder = new TextDecoder();

/** The events stored in `stream`, KPL aggregates unpacked. */
async function storedEvents(stream: string): Promise<TestEvent[]> {
  return (await storedRecords(kinesis.connection, stream)).flatMap((record) => {
    const unpacked = deaggregate(record.data);
    const payloads = unpacked.kind === "aggregate" ? unpacked.records.map((r) => r.data) : [record.data];
    return payloads.map((data) => JSON.parse(decoder.decode(data)) as TestEvent);
  });
}

for (const aggregation of [false, true]) {
  describe(`kinesisSink${aggregation ? " with KPL aggregation" : ""} keeps the Sink contract`, () => {
    const cases = sinkContract<TestEvent>({
      guarantee: "at-least-once",
      destination: async () => {
        const stream = await kinesis.createStream("sink-contract", 2);
        return {
          sink: () =>
            kinesisSink<TestEvent>({
              stream,
              connection: kinesis.connection,
              partitionKey: (e) => e.key,
              aggregation,
              maxTimeInBufferMS: 50,
              retry: { baseDelayMs: 10, maxDelayMs: 100 },
            }),
          readBack: () => storedEvents(stream),
        };
      },
      record: (i) => ({ key: `k${i % 3}`, seq: i }),
      // Over Kinesis's 1 MiB record limit: set aside as "too-large", never sent.
      badRecord: { key: "k0", seq: -1, padding: "x".repeat(1_100_000) } as TestEvent,
    });
    for (const c of cases) test(c.name, c.run);
  });
}
