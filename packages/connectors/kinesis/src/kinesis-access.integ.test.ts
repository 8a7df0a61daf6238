import { checkPolicy, fromIterable, iamPolicy, pipeline, silentLogger } from "@eddy/core";
import { type RecordingProxy, startRecordingProxy } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { json } from "./decoders.ts";
import { kinesisSink } from "./kinesis-sink.ts";
import { kinesisSource } from "./kinesis-source.ts";
import { collectSink } from "./test-support/collect-sink.ts";
import { connectionFor, type LocalKinesis, startKinesalite } from "./test-support/local-kinesis.ts";
import { runUntil, type TestEvent, testEvents } from "./test-support/producer.ts";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;
/** Where the stand-in runs, as the recording proxy names its resources. */
const WHERE = { region: "us-east-1", account: "000000000000" };

let kinesis: LocalKinesis;
let recording: RecordingProxy;
beforeAll(async () => {
  kinesis = await startKinesalite();
  recording = await startRecordingProxy({ target: kinesis.endpoint, account: WHERE.account });
});
afterAll(async () => {
  await recording?.stop();
  await kinesis?.stop();
});

/** The calls recorded while `work` ran. */
async function callsDuring(work: () => Promise<unknown>) {
  const from = recording.calls.length;
  await work();
  return recording.calls.slice(from);
}

describe("the IAM policy of the Kinesis connectors, against the calls they make", () => {
  test("kinesisSink: PutRecords on its stream, nothing more and nothing less", async () => {
    const stream = await kinesis.createStream("iam-sink", 2);
    const job = pipeline("iam-sink", quiet);
    const sink = kinesisSink<TestEvent>({
      stream,
      connection: connectionFor(recording.endpoint),
      partitionKey: (e) => e.key,
    });
    job.source(fromIterable(testEvents(40, 4))).sink(sink);
    const calls = await callsDuring(() => job.run());
    expect(calls.length).toBeGreaterThan(0);
    expect(checkPolicy(iamPolicy(job, WHERE).document, calls)).toEqual({ denied: [], unused: [] });
  });

  test("kinesisSource with polling: ListShards, GetShardIterator and GetRecords on its stream", async () => {
    const stream = await kinesis.createStream("iam-source", 2);
    const writer = pipeline("iam-source-writer", quiet);
    writer
      .source(fromIterable(testEvents(30, 3)))
      .sink(kinesisSink<TestEvent>({ stream, connection: kinesis.connection, partitionKey: (e) => e.key }));
    await writer.run();
    const job = pipeline("iam-source", quiet);
    const collected = collectSink<TestEvent>();
    const source = kinesisSource<TestEvent>({
      stream,
      connection: connectionFor(recording.endpoint),
      decode: json<TestEvent>(),
      initialPosition: "TRIM_HORIZON",
    });
    job.source(source).sink(collected);
    const calls = await callsDuring(() => runUntil(job, () => collected.values.length >= 30, "30 records"));
    expect(collected.values).toHaveLength(30);
    expect(checkPolicy(iamPolicy(job, WHERE).document, calls)).toEqual({ denied: [], unused: [] });
  });
});
