import { PipelineDefinitionError } from "@eddy/core";
import { describe, expect, test } from "vitest";
import { json } from "./decoders.ts";
import { kinesisSink } from "./kinesis-sink.ts";
import { kinesisSource } from "./kinesis-source.ts";
import { KINESIS_SINK_DEFAULTS, KINESIS_SOURCE_DEFAULTS } from "./options.ts";

describe("defaults", () => {
  test("the sink's are Flink's KinesisStreamsSink defaults", () => {
    expect(KINESIS_SINK_DEFAULTS).toEqual({
      maxBatchSize: 500,
      maxInFlightRequests: 50,
      maxBufferedRequests: 10_000,
      maxBatchSizeInBytes: 5 * 1024 * 1024,
      maxTimeInBufferMS: 5_000,
      maxRecordSizeInBytes: 1024 * 1024,
      failOnError: false,
    });
  });

  test("the source's follow Flink's KinesisStreamsSource where it has the option", () => {
    expect(KINESIS_SOURCE_DEFAULTS).toMatchObject({
      initialPosition: "LATEST",
      readerType: "POLLING",
      efoLifecycle: "JOB_MANAGED",
      shardDiscoveryIntervalMs: 10_000,
      getRecordsMaxRecordCount: 10_000,
      getRecordsIntervalMs: 200,
    });
  });
});

describe("option checks", () => {
  test("mistakes are refused when the pipeline is defined, naming the stream", () => {
    expect(() => kinesisSource({ stream: "s", decode: json(), readerType: "EFO" })).toThrow(
      new PipelineDefinitionError('kinesisSource(s): readerType "EFO" needs efoConsumerName'),
    );
    expect(() => kinesisSource({ stream: "s", decode: json(), initialPosition: "AT_TIMESTAMP" })).toThrow(
      /needs initialTimestamp/,
    );
    expect(() => kinesisSource({ stream: "s", decode: json(), getRecordsMaxRecordCount: 20_000 })).toThrow(
      /getRecordsMaxRecordCount must be in 1..10000/,
    );
    expect(() => kinesisSink({ stream: "s", partitionKey: String, maxBatchSize: 501 })).toThrow(
      /kinesisSink\(s\): maxBatchSize must be in 1..500, got 501/,
    );
    expect(() => kinesisSink({ stream: "s", partitionKey: String, maxBufferedRequests: 10 })).toThrow(
      /maxBufferedRequests \(10\) must be >= maxBatchSize \(500\)/,
    );
  });

  test("every source has its own dead-letter tag unless given one", () => {
    const a = kinesisSource({ stream: "a", decode: json() });
    const b = kinesisSource({ stream: "b", decode: json() });
    expect(a.deadLetters).not.toBe(b.deadLetters);
    expect(a.deadLetters.id).toBe("kinesis-dead-letters(a)");
    expect(kinesisSource({ stream: "c", decode: json(), deadLetters: a.deadLetters }).deadLetters).toBe(
      a.deadLetters,
    );
  });
});
