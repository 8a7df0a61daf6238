import { SinkWriteError, VirtualClock } from "@eddy/core";
import { sinkContext } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { createFirehoseSink } from "./firehose-sink.ts";
import type { FirehoseSinkOptions } from "./firehose-sink-options.ts";
import { ScriptedFirehose, serviceError } from "./test-support/scripted-firehose.ts";

const failedRecord = (index: number) => ({
  index,
  errorCode: "ServiceUnavailableException",
  errorMessage: "Slow down.",
});

function open(firehose: ScriptedFirehose, options: Partial<FirehoseSinkOptions<number | object>> = {}) {
  const clock = new VirtualClock();
  const context = sinkContext({ clock });
  const sink = createFirehoseSink<number | object>(
    {
      deliveryStreamName: "clicks",
      maxTimeInBufferMS: 1_000,
      retry: { maxAttempts: 4, initialBackoffMS: 100, maxBackoffMS: 400 },
      ...options,
    },
    () => firehose,
  );
  sink.open?.(context);
  return { sink, clock, context };
}

/** Awaits `promise` while the virtual clock moves on in steps (backoffs run on it). */
async function onClock<T>(clock: VirtualClock, promise: Promise<T>, step = 10): Promise<T> {
  let done = false;
  const settled = promise.finally(() => {
    done = true;
  });
  settled.catch(() => {});
  for (let i = 0; !done && i < 10_000; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advanceTo(clock.now() + step);
  }
  return settled;
}

describe("firehoseSink on a scripted Firehose", () => {
  test("only the records Firehose reports failed are sent again, after a backoff, until all are taken", async () => {
    const firehose = new ScriptedFirehose((_, call) =>
      call === 1 ? [failedRecord(0), failedRecord(2)] : [],
    );
    const { sink, clock } = open(firehose);
    await sink.write([1, 2, 3, 4], []);
    const started = clock.now();
    await onClock(clock, Promise.resolve(sink.snapshot?.(1)));
    expect(firehose.calls).toEqual([
      ["1", "2", "3", "4"],
      ["1", "3"],
    ]);
    expect(firehose.taken.sort()).toEqual(["1", "2", "3", "4"]);
    expect(clock.now() - started).toBeLessThanOrEqual(110);
  });

  test("a throttled request (503) is sent again whole, each time after a backoff within its ceiling", async () => {
    const firehose = new ScriptedFirehose((_, call) =>
      call <= 3 ? serviceError("ServiceUnavailableException", 503) : [],
    );
    const { sink, clock } = open(firehose);
    await sink.write([1, 2], []);
    const times: number[] = [];
    let done = false;
    void Promise.resolve(sink.snapshot?.(1)).then(() => {
      done = true;
    });
    while (!done && clock.now() < 5_000) {
      await new Promise((r) => setImmediate(r));
      while (times.length < firehose.calls.length) times.push(clock.now());
      clock.advanceTo(clock.now() + 1);
    }
    expect(firehose.calls).toEqual([
      ["1", "2"],
      ["1", "2"],
      ["1", "2"],
      ["1", "2"],
    ]);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const [i, gap] of gaps.entries()) expect(gap).toBeLessThanOrEqual([100, 200, 400][i]! + 1);
  });

  test("when retries run out the job fails with the last reason", async () => {
    const firehose = new ScriptedFirehose((records) => records.map((_, i) => failedRecord(i)));
    const { sink, clock } = open(firehose);
    await sink.write([7], []);
    const flushed = onClock(clock, Promise.resolve(sink.snapshot?.(1)));
    await expect(flushed).rejects.toBeInstanceOf(SinkWriteError);
    await expect(flushed).rejects.toThrow(
      "firehose(clicks): a record of 2 bytes still failed after 4 attempts (last: 1 of 1 records failed (ServiceUnavailableException: Slow down.))",
    );
    expect(firehose.calls).toHaveLength(4);
  });

  test("a missing delivery stream fails at once, without a retry", async () => {
    const firehose = new ScriptedFirehose(() => serviceError("ResourceNotFoundException", 400));
    const { sink } = open(firehose);
    await sink.write([1], []);
    await expect(sink.snapshot?.(1)).rejects.toThrow(/cannot be retried: ResourceNotFoundException/);
    expect(firehose.calls).toHaveLength(1);
  });

  test("records too large or not serializable go to the dead letters with their reason; the rest are taken", async () => {
    const firehose = new ScriptedFirehose();
    const { sink, context } = open(firehose, { maxRecordSizeInBytes: 10 });
    const big = { text: "x".repeat(20) };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await sink.write([1, big, cyclic, 2], [100, 200, 300, 400]);
    await sink.finish?.();
    expect(firehose.taken).toEqual(["1", "2"]);
    expect(context.deadLettersSent.map((d) => [d.reason, d.value, d.timestamp])).toEqual([
      ["too-large", big, 200],
      ["invalid", cyclic, 300],
    ]);
    expect(context.deadLettersSent[0]!.error).toBe(
      "the record is 32 bytes, more than maxRecordSizeInBytes (10)",
    );
    expect(context.deadLettersSent[1]!.error).toMatch(
      /^it cannot be serialized: Converting circular structure to JSON/,
    );
  });

  test("with failOnError, a record that cannot be written fails the write, and a failed record fails the job", async () => {
    const strict = open(new ScriptedFirehose(), { maxRecordSizeInBytes: 10, failOnError: true });
    expect(() => strict.sink.write([{ text: "x".repeat(20) }], [])).toThrow(
      "firehose(clicks): a record is not written because the record is 32 bytes, more than maxRecordSizeInBytes (10) (failOnError is set)",
    );
    const failing = open(new ScriptedFirehose(() => [failedRecord(0)]), { failOnError: true });
    await failing.sink.write([5], []);
    await expect(failing.sink.snapshot?.(1)).rejects.toThrow(
      /a record of 2 bytes failed \(1 of 1 records failed \(ServiceUnavailableException: Slow down.\)\) and failOnError is set/,
    );
  });

  test("at-least-once: a barrier waits until Firehose has taken every record written before it", async () => {
    const firehose = new ScriptedFirehose(() => [], true);
    const { sink } = open(firehose, { maxTimeInBufferMS: 60_000 });
    await sink.write([1, 2, 3], []);
    expect(firehose.calls).toHaveLength(0);
    let flushed = false;
    const barrier = Promise.resolve(sink.snapshot?.(1)).then(() => {
      flushed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(firehose.held).toBe(1);
    expect(flushed).toBe(false);
    firehose.release();
    await barrier;
    expect(firehose.taken).toEqual(["1", "2", "3"]);
  });

  test("a partial batch leaves maxTimeInBufferMS after its first record, on the job's clock", async () => {
    const firehose = new ScriptedFirehose();
    const { sink, clock } = open(firehose, { maxTimeInBufferMS: 250 });
    await sink.write([1], []);
    clock.advanceTo(249);
    expect(firehose.calls).toHaveLength(0);
    clock.advanceTo(250);
    expect(firehose.calls).toEqual([["1"]]);
  });

  test("backpressure: write returns a promise while maxBufferedRequests records wait", async () => {
    const firehose = new ScriptedFirehose(() => [], true);
    const { sink } = open(firehose, { maxBatchSize: 2, maxBufferedRequests: 4, maxInFlightRequests: 1 });
    const wait = sink.write([1, 2, 3, 4, 5, 6], []);
    expect(wait).toBeInstanceOf(Promise);
    let released = false;
    void wait!.then(() => {
      released = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    firehose.release();
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(true);
    expect(firehose.calls.length).toBeGreaterThanOrEqual(2);
  });

  test("close releases the proxy; a write before open is a clear error", async () => {
    const firehose = new ScriptedFirehose();
    const sink = createFirehoseSink<number>({ deliveryStreamName: "clicks" }, () => firehose);
    expect(() => sink.write([1], [])).toThrow(
      "firehose(clicks): write before open (the job opens its sinks)",
    );
    await sink.open?.(sinkContext());
    await sink.close?.();
    expect(firehose.closed).toBe(true);
  });
});
