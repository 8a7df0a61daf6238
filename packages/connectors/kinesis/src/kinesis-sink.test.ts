import { keyGroupOf, SinkWriteError, VirtualClock } from "@eddy/core";
import { sinkContext } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { keyGroupHashKey, keyGroupPoint } from "./key-group-points.ts";
import { createKinesisSink } from "./kinesis-sink.ts";
import { deaggregate } from "./kpl-aggregation.ts";
import type { KinesisSinkOptions } from "./options.ts";
import { ScriptedStreamProxy, serviceError } from "./test-support/scripted-stream-proxy.ts";

interface Tick {
  readonly key: string;
  readonly seq: number;
}
const ticks = (n: number, keys = 2): Tick[] =>
  Array.from({ length: n }, (_, seq) => ({ key: `k${seq % keys}`, seq }));
const decoder = new TextDecoder();
const seqOf = (data: Uint8Array) => (JSON.parse(decoder.decode(data)) as Tick).seq;
const throttled = (index: number) => ({
  index,
  errorCode: "ProvisionedThroughputExceededException",
  errorMessage: "Rate exceeded for shard",
});

function open(proxy: ScriptedStreamProxy, options: Partial<KinesisSinkOptions<Tick>> = {}) {
  const clock = new VirtualClock();
  const context = sinkContext({ clock });
  const sink = createKinesisSink<Tick>(
    {
      stream: "ticks",
      partitionKey: (t) => t.key,
      maxTimeInBufferMS: 1_000,
      retry: { maxAttempts: 4, initialBackoffMS: 100, maxBackoffMS: 400 },
      ...options,
    },
    () => proxy,
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

describe("kinesisSink on a scripted stream", () => {
  test("only the entries Kinesis rejected are sent again, after a backoff, until all are stored", async () => {
    const proxy = new ScriptedStreamProxy((_, call) => (call === 1 ? [throttled(1), throttled(3)] : []));
    const { sink, clock } = open(proxy);
    await sink.write(ticks(5), []);
    const started = clock.now();
    await onClock(clock, Promise.resolve(sink.snapshot?.(1)));
    expect(proxy.calls.map((c) => c.map((e) => seqOf(e.data)))).toEqual([
      [0, 1, 2, 3, 4],
      [1, 3],
    ]);
    expect(proxy.stored.map((e) => seqOf(e.data)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(clock.now() - started).toBeLessThanOrEqual(110);
    expect(sink.metrics()).toMatchObject({ records: 5, requests: 2, retriedEntries: 2, buffered: 0 });
  });

  test("a throttled call waits its backoff on the job's clock, never less than 0 nor more than maxBackoffMS", async () => {
    const proxy = new ScriptedStreamProxy((_, call) =>
      call <= 3 ? serviceError("ProvisionedThroughputExceededException") : [],
    );
    const { sink, clock } = open(proxy);
    await sink.write(ticks(3), []);
    const times: number[] = [];
    const flushed = sink.snapshot?.(1) as Promise<unknown>;
    let done = false;
    void flushed.then(() => {
      done = true;
    });
    while (!done && clock.now() < 5_000) {
      await new Promise((r) => setImmediate(r));
      while (times.length < proxy.calls.length) times.push(clock.now());
      clock.advanceTo(clock.now() + 1);
    }
    expect(proxy.calls).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Backoff ceilings 100, 200, 400 ms (full jitter), on virtual time.
    for (const [i, gap] of gaps.entries()) expect(gap).toBeLessThanOrEqual([100, 200, 400][i]! + 1);
    expect(sink.metrics().retriedEntries).toBe(9);
  });

  test("when retries run out the job fails, naming the record and the last error", async () => {
    const proxy = new ScriptedStreamProxy((entries) => entries.map((_, i) => throttled(i)));
    const { sink, clock } = open(proxy);
    await sink.write([{ key: "EURUSD", seq: 1 }], []);
    const flushed = onClock(clock, Promise.resolve(sink.snapshot?.(1)));
    await expect(flushed).rejects.toBeInstanceOf(SinkWriteError);
    await expect(flushed).rejects.toThrow(
      'kinesis(ticks): the record with partition key "EURUSD" still failed after 4 attempts (last: ProvisionedThroughputExceededException: Rate exceeded for shard)',
    );
    expect(proxy.calls).toHaveLength(4);
  });

  test("a record too large or with a bad partition key goes to the dead letters; the others are written", async () => {
    const proxy = new ScriptedStreamProxy();
    const { sink, context } = open(proxy, { maxRecordSizeInBytes: 100 });
    const big = { key: "k0", seq: 1, pad: "x".repeat(200) };
    await sink.write(
      [{ key: "k0", seq: 0 }, big, { key: "", seq: 2 }, { key: "k1", seq: 3 }],
      [10, 20, 30, 40],
    );
    await sink.snapshot?.(1);
    expect(proxy.stored.map((e) => seqOf(e.data))).toEqual([0, 3]);
    expect(context.deadLettersSent.map((d) => [d.reason, d.value, d.timestamp])).toEqual([
      ["too-large", big, 20],
      ["invalid", { key: "", seq: 2 }, 30],
    ]);
    expect(context.deadLettersSent[0]!.error).toMatch(
      /partition key "k0" is 2\d\d bytes .* more than maxRecordSizeInBytes \(100\)/,
    );
    expect(context.deadLettersSent[1]!.error).toBe('its partition key "" is not 1 to 256 characters');
    expect(context.metrics.deadLetters).toBe(2);
  });

  test("with failOnError, a record that cannot be written fails the write, naming it", async () => {
    const { sink } = open(new ScriptedStreamProxy(), { maxRecordSizeInBytes: 100, failOnError: true });
    expect(() => sink.write([{ key: "k9", seq: 1, pad: "x".repeat(200) } as Tick], [])).toThrow(
      /kinesis\(ticks\): a record cannot be written because the record with partition key "k9" is \d+ bytes .*\(failOnError is set\)/,
    );
  });

  test("a call refused as invalid is split: only the record Kinesis refuses alone is a dead letter", async () => {
    const badHash = "340282366920938463463374607431768211456"; // 2^128: out of range, refused by Kinesis
    const proxy = new ScriptedStreamProxy((entries) =>
      entries.some((e) => e.explicitHashKey === badHash) ? serviceError("ValidationException") : [],
    );
    const { sink, context } = open(proxy, {
      explicitHashKey: (t) => (t.seq === 2 ? badHash : undefined),
    });
    await sink.write(ticks(4), []);
    await sink.snapshot?.(1);
    expect(proxy.stored.map((e) => seqOf(e.data)).sort()).toEqual([0, 1, 3]);
    expect(context.deadLettersSent).toHaveLength(1);
    expect(context.deadLettersSent[0]).toMatchObject({
      reason: "rejected",
      details: { partitionKey: "k0", records: 1 },
    });
    expect(context.deadLettersSent[0]!.error).toMatch(
      /Kinesis refused the record with partition key "k0": ValidationException/,
    );
    expect(seqOf(context.deadLettersSent[0]!.data!)).toBe(2);
  });

  test("a missing stream or a per-entry KMS error fails the job at once, without retries", async () => {
    const missing = open(new ScriptedStreamProxy(() => serviceError("ResourceNotFoundException")));
    await missing.sink.write(ticks(2), []);
    await expect(missing.sink.snapshot?.(1)).rejects.toThrow(/cannot be retried: ResourceNotFoundException/);
    const kms = new ScriptedStreamProxy(() => [
      { index: 0, errorCode: "KMSAccessDeniedException", errorMessage: "no key" },
    ]);
    const denied = open(kms);
    await denied.sink.write(ticks(2), []);
    await expect(denied.sink.snapshot?.(1)).rejects.toThrow(
      /Kinesis refused the record with partition key "k0": KMSAccessDeniedException: no key/,
    );
    expect(kms.calls).toHaveLength(1);
    expect(denied.sink.metrics().retriedEntries).toBe(0);
  });

  test("at-least-once: nothing is sent before the barrier, everything is stored when snapshot resolves", async () => {
    const proxy = new ScriptedStreamProxy(() => [], true);
    const { sink } = open(proxy, { maxTimeInBufferMS: 60_000 });
    await sink.write(ticks(10), []);
    expect(proxy.calls).toHaveLength(0);
    let flushed = false;
    const barrier = Promise.resolve(sink.snapshot?.(1)).then(() => {
      flushed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(proxy.held).toBe(1);
    expect(flushed).toBe(false);
    proxy.release();
    await barrier;
    expect(proxy.stored).toHaveLength(10);
    expect(sink.metrics()).toMatchObject({ buffered: 0, inFlightRequests: 0 });
  });

  test("with one request in flight, a failed entry is sent again before any newer record of its key", async () => {
    const proxy = new ScriptedStreamProxy((_, call) => (call === 1 ? [throttled(2)] : []));
    const { sink, clock } = open(proxy, { maxInFlightRequests: 1, maxBatchSize: 4, maxBufferedRequests: 8 });
    const flushed = onClock(
      clock,
      (async () => {
        await sink.write(ticks(12, 1), []);
        await sink.snapshot?.(1);
      })(),
    );
    await flushed;
    expect(proxy.calls.map((c) => c.map((e) => seqOf(e.data)))).toEqual([
      [0, 1, 2, 3],
      [2, 4, 5, 6],
      [7, 8, 9, 10],
      [11],
    ]);
  });

  test("KPL aggregates leave maxTimeInBufferMS after their first record, on the job's clock", async () => {
    const proxy = new ScriptedStreamProxy();
    const { sink, clock } = open(proxy, { aggregation: true, maxTimeInBufferMS: 500 });
    await sink.write(ticks(6, 2), []);
    expect(sink.metrics().buffered).toBe(6);
    clock.advanceTo(499);
    expect(proxy.calls).toHaveLength(0);
    clock.advanceTo(500);
    expect(proxy.calls).toHaveLength(1);
    const [first, second] = proxy.calls[0]!;
    for (const [entry, seqs] of [
      [first!, [0, 2, 4]],
      [second!, [1, 3, 5]],
    ] as const) {
      const unpacked = deaggregate(entry.data);
      expect(unpacked.kind).toBe("aggregate");
      if (unpacked.kind === "aggregate") expect(unpacked.records.map((r) => seqOf(r.data))).toEqual(seqs);
    }
  });

  test("with explicit hash keys, KPL aggregates group records by hash key and are written at it", async () => {
    const proxy = new ScriptedStreamProxy();
    // Keys k0 and k2 share a key group of 2 (so one hash key), k1 is in the other.
    const byKey = (t: Tick) => t.key;
    const groups = 2;
    const hashKey = keyGroupHashKey(byKey, groups);
    const keys = ["k0", "k1", "k2", "k3", "k4", "k5"];
    const [a, b] = [
      keys.filter((k) => keyGroupOf(k, groups) === 0),
      keys.filter((k) => keyGroupOf(k, groups) === 1),
    ];
    expect(a.length >= 2 && b.length >= 1).toBe(true);
    const records = [a[0]!, b[0]!, a[1]!, a[0]!].map((key, seq) => ({ key, seq }));
    const { sink, clock } = open(proxy, { aggregation: true, explicitHashKey: hashKey });
    await sink.write(records, []);
    await onClock(clock, Promise.resolve(sink.snapshot?.(1)));
    const entries = proxy.calls.flat();
    expect(entries.map((e) => e.explicitHashKey)).toEqual([
      keyGroupPoint(0, groups),
      keyGroupPoint(1, groups),
    ]);
    const unpacked = entries.map((e) => deaggregate(e.data));
    expect(unpacked[0]!.kind).toBe("aggregate");
    if (unpacked[0]!.kind === "aggregate") {
      expect(unpacked[0]!.records.map((r) => [r.partitionKey, seqOf(r.data), r.explicitHashKey])).toEqual([
        [a[0], 0, keyGroupPoint(0, groups)],
        [a[1], 2, keyGroupPoint(0, groups)],
        [a[0], 3, keyGroupPoint(0, groups)],
      ]);
    }
    expect(entries[1]!.partitionKey).toBe(b[0]);
    expect(seqOf(entries[1]!.data)).toBe(1);
  });

  test("a write before open is a clear error; close releases the proxy", async () => {
    const proxy = new ScriptedStreamProxy();
    const sink = createKinesisSink<Tick>({ stream: "ticks", partitionKey: (t) => t.key }, () => proxy);
    expect(() => sink.write(ticks(1), [])).toThrow(
      "kinesis(ticks): write before open (the job opens its sinks)",
    );
    sink.open?.(sinkContext());
    await sink.close?.();
    expect(proxy.closed).toBe(true);
  });
});
