import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { VirtualClock } from "../time/clock.ts";
import {
  AsyncSinkWriter,
  type AsyncSinkWriterOptions,
  type BatchResult,
  type BatchSubmitter,
  SinkWriteError,
} from "./async-sink-writer.ts";

const options: AsyncSinkWriterOptions = {
  maxBatchSize: 3,
  maxInFlightRequests: 2,
  maxBufferedRequests: 6,
  maxBatchSizeInBytes: 1_000,
  maxTimeInBufferMS: 100,
  failOnError: false,
  retry: { maxAttempts: 4, initialBackoffMS: 10, maxBackoffMS: 40 },
};

/** A service stand-in: answers each batch when told to, failing the entries `fail` picks. */
class ScriptedService implements BatchSubmitter<string> {
  readonly batches: string[][] = [];
  readonly written: string[] = [];
  readonly #pending: (() => void)[] = [];
  constructor(
    private readonly fail: (entry: string, attempt: number) => boolean = () => false,
    private readonly auto = true,
  ) {}
  readonly attempts = new Map<string, number>();
  submit(entries: readonly string[]): Promise<BatchResult<string>> {
    this.batches.push([...entries]);
    return new Promise((resolve) => {
      const answer = () => {
        const failed: string[] = [];
        for (const e of entries) {
          const attempt = (this.attempts.get(e) ?? 0) + 1;
          this.attempts.set(e, attempt);
          if (this.fail(e, attempt)) failed.push(e);
          else this.written.push(e);
        }
        resolve({ failed, reason: "ServiceUnavailableException" });
      };
      if (this.auto) queueMicrotask(answer);
      else this.#pending.push(answer);
    });
  }
  isRetryable(): boolean {
    return true;
  }
  answerAll(): void {
    for (const answer of this.#pending.splice(0)) answer();
  }
  get waiting(): number {
    return this.#pending.length;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("AsyncSinkWriter", () => {
  test("sends full batches at once and the rest on the buffer timer", async () => {
    const clock = new VirtualClock();
    const service = new ScriptedService();
    const writer = new AsyncSinkWriter("t", options, service, clock);
    for (const e of ["a", "b", "c", "d"]) writer.add(e, 1);
    expect(writer.afterAdd()).toBeUndefined();
    await settle();
    expect(service.batches).toEqual([["a", "b", "c"]]);
    clock.advanceTo(99);
    await settle();
    expect(service.batches).toHaveLength(1);
    clock.advanceTo(100);
    await settle();
    expect(service.batches).toEqual([["a", "b", "c"], ["d"]]);
  });

  test("cuts batches by bytes", async () => {
    const service = new ScriptedService();
    const writer = new AsyncSinkWriter(
      "t",
      { ...options, maxBatchSizeInBytes: 10 },
      service,
      new VirtualClock(),
    );
    writer.add("a", 6);
    writer.add("b", 6);
    writer.add("c", 3);
    await writer.flush();
    expect(service.batches).toEqual([["a"], ["b", "c"]]);
  });

  test("retries only the failed entries, after a backoff, until all are written", async () => {
    const clock = new VirtualClock();
    const service = new ScriptedService((e, attempt) => e === "b" && attempt < 3);
    const writer = new AsyncSinkWriter("t", options, service, clock);
    for (const e of ["a", "b", "c"]) writer.add(e, 1);
    const flushed = writer.flush();
    for (let t = 0; t <= 200; t += 5) {
      await settle();
      clock.advanceTo(t);
    }
    await flushed;
    expect(service.batches).toEqual([["a", "b", "c"], ["b"], ["b"]]);
    expect(service.written.sort()).toEqual(["a", "b", "c"]);
  });

  test("the backoff is bounded and jittered: no retry before its pause, none later than maxBackoffMS", async () => {
    const clock = new VirtualClock();
    const service = new ScriptedService((_, attempt) => attempt < 4);
    const writer = new AsyncSinkWriter("t", options, service, clock);
    writer.add("x", 1);
    const flushed = writer.flush();
    const times: number[] = [];
    for (let t = 0; t <= 200; t++) {
      await settle();
      while (times.length < service.batches.length) times.push(clock.now());
      clock.advanceTo(t);
    }
    await flushed;
    expect(service.batches).toHaveLength(4);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(41);
  });

  test("fails after maxAttempts, and at the first failure with failOnError", async () => {
    const clock = new VirtualClock();
    const always = new ScriptedService(() => true);
    const writer = new AsyncSinkWriter("t", options, always, clock);
    writer.add("x", 1);
    const flushed = writer.flush();
    flushed.catch(() => {});
    for (let t = 0; t <= 500; t += 5) {
      await settle();
      clock.advanceTo(t);
    }
    await expect(flushed).rejects.toThrow(/after 4 attempts/);
    expect(always.batches).toHaveLength(4);
    expect(() => writer.add("y", 1)).toThrow(SinkWriteError);

    const strict = new AsyncSinkWriter(
      "t",
      { ...options, failOnError: true },
      new ScriptedService(() => true),
      clock,
    );
    strict.add("x", 1);
    await expect(strict.flush()).rejects.toThrow(/failOnError/);
  });

  test("a request that throws a non-retryable error fails the writer; a retryable one resends the batch", async () => {
    let calls = 0;
    const flaky: BatchSubmitter<string> = {
      async submit(entries) {
        calls++;
        if (calls === 1) throw Object.assign(new Error("slow down"), { retryable: true });
        if (entries.includes("fatal")) throw new Error("no such stream");
        return { failed: [] };
      },
      isRetryable: (e) => (e as { retryable?: boolean }).retryable === true,
    };
    const clock = new VirtualClock();
    const writer = new AsyncSinkWriter("t", options, flaky, clock);
    writer.add("ok", 1);
    const flushed = writer.flush();
    for (let t = 0; t <= 50; t += 5) {
      await settle();
      clock.advanceTo(t);
    }
    await flushed;
    expect(calls).toBe(2);
    writer.add("fatal", 1);
    await expect(writer.flush()).rejects.toThrow(/cannot be retried: Error: no such stream/);
  });

  test("backpressure: afterAdd waits while maxBufferedRequests are buffered", async () => {
    const service = new ScriptedService(() => false, false);
    const writer = new AsyncSinkWriter(
      "t",
      { ...options, maxInFlightRequests: 1 },
      service,
      new VirtualClock(),
    );
    for (let i = 0; i < 9; i++) writer.add(String(i), 1);
    const wait = writer.afterAdd();
    expect(wait).toBeInstanceOf(Promise);
    let released = false;
    void wait!.then(() => {
      released = true;
    });
    await settle();
    expect(released).toBe(false);
    expect(writer.buffered).toBe(6);
    service.answerAll();
    await settle();
    expect(released).toBe(true);
    expect(writer.buffered).toBe(3);
  });

  test("keyed entries: a newer entry replaces a buffered one and never overtakes one in flight", async () => {
    const service = new ScriptedService((e, attempt) => e === "k=1" && attempt === 1, false);
    const clock = new VirtualClock();
    const writer = new AsyncSinkWriter("t", options, service, clock);
    writer.add("k=1", 1, "k");
    writer.add("j=1", 1, "j");
    const flushed = writer.flush();
    await settle();
    expect(service.batches).toEqual([["k=1", "j=1"]]);
    writer.add("k=2", 1, "k");
    writer.add("k=3", 1, "k");
    writer.add("j=2", 1, "j");
    await settle();
    // k and j are in flight: their newer values wait.
    expect(service.batches).toHaveLength(1);
    expect(writer.buffered).toBe(2);
    service.answerAll();
    // k=1 failed, but k=3 is buffered and supersedes it.
    for (let t = 0; t <= 50 && service.waiting === 0; t += 5) {
      await settle();
      clock.advanceTo(t);
    }
    expect(service.batches[1]).toEqual(["k=3", "j=2"]);
    service.answerAll();
    await flushed;
    expect(service.written).toEqual(["j=1", "k=3", "j=2"]);
  });

  test("entries rejected for good go to onRejected, once, and the others are written", async () => {
    const rejected: string[] = [];
    const service: BatchSubmitter<string> = {
      async submit(entries) {
        return {
          failed: [],
          rejected: entries
            .filter((e) => e.startsWith("bad"))
            .map((entry) => ({ entry, reason: "ValidationException: no" })),
        };
      },
      isRetryable: () => true,
    };
    const writer = new AsyncSinkWriter(
      "t",
      { ...options, onRejected: (entry, reason) => rejected.push(`${entry}: ${reason}`) },
      service,
      new VirtualClock(),
    );
    for (const e of ["a", "bad1", "b"]) writer.add(e, 1);
    await writer.flush();
    expect(rejected).toEqual(["bad1: ValidationException: no"]);
    expect(writer.buffered).toBe(0);
  });

  test("without onRejected, or with failOnError, a rejected entry fails the writer, named by describe", async () => {
    const service = (): BatchSubmitter<string> => ({
      async submit(entries) {
        return {
          failed: [],
          rejected: entries.map((entry) => ({ entry, reason: "ValidationException: no" })),
        };
      },
      isRetryable: () => true,
      describe: (entry) => `the line "${entry}"`,
    });
    const plain = new AsyncSinkWriter("t", options, service(), new VirtualClock());
    plain.add("x", 1);
    await expect(plain.flush()).rejects.toThrow('t: the line "x" was rejected (ValidationException: no)');
    const strict = new AsyncSinkWriter(
      "t",
      { ...options, failOnError: true, onRejected: () => {} },
      service(),
      new VirtualClock(),
    );
    strict.add("y", 1);
    await expect(strict.flush()).rejects.toThrow(
      /the line "y" was rejected \(ValidationException: no\) and failOnError is set/,
    );
  });

  test("a request refused as invalid is split: each entry goes alone, and only the bad one is rejected", async () => {
    const requests: string[][] = [];
    const rejected: string[] = [];
    const service: BatchSubmitter<string> = {
      async submit(entries) {
        requests.push([...entries]);
        if (entries.includes("bad"))
          throw Object.assign(new Error("item too large"), { name: "ValidationException" });
        return { failed: [] };
      },
      isRetryable: () => false,
      isInvalidRequest: (error) => (error as Error).name === "ValidationException",
    };
    const writer = new AsyncSinkWriter(
      "t",
      { ...options, onRejected: (entry, reason) => rejected.push(`${entry}: ${reason}`) },
      service,
      new VirtualClock(),
    );
    for (const e of ["a", "bad", "c", "d"]) writer.add(e, 1);
    await writer.flush();
    expect(rejected).toEqual(["bad: ValidationException: item too large"]);
    // The first batch (a, bad, c) was refused and then sent entry by entry; d went in a batch of its own.
    expect(requests[0]).toEqual(["a", "bad", "c"]);
    const alone = requests.slice(1).filter((r) => r.length === 1 && r[0] !== "d");
    expect(alone.map((r) => r[0]).sort()).toEqual(["a", "bad", "c"]);
    expect(requests.flat().filter((e) => e === "d")).toHaveLength(1);
  });

  test("entries leave in the order they were added, over many batches and a partial failure", async () => {
    const clock = new VirtualClock();
    const service = new ScriptedService((e, attempt) => e === "7" && attempt === 1);
    const writer = new AsyncSinkWriter(
      "t",
      { ...options, maxInFlightRequests: 1, maxBufferedRequests: 5_000 },
      service,
      clock,
    );
    for (let i = 0; i < 3_000; i++) writer.add(String(i), 1);
    const flushed = writer.flush();
    for (let t = 0; service.written.length < 3_000 && t <= 1_000; t += 5) {
      await settle();
      clock.advanceTo(t);
    }
    await flushed;
    // "7" failed in the third batch and, with one request in flight, leads the next one.
    expect(service.batches[2]).toEqual(["6", "7", "8"]);
    expect(service.batches[3]).toEqual(["7", "9", "10"]);
    const order = Array.from({ length: 3_000 }, (_, i) => String(i));
    order.splice(7, 2, "8", "7");
    expect(service.written).toEqual(order);
  });

  test("a batch holds at most maxBatchSize entries and maxBatchSizeInBytes bytes, in order, and at least one entry", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 1_000 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1_000, max: 5_000 }),
        async (sizes, maxBatchSize, maxBatchSizeInBytes) => {
          const service = new ScriptedService();
          const writer = new AsyncSinkWriter(
            "t",
            { ...options, maxBatchSize, maxBatchSizeInBytes, maxBufferedRequests: 1_000 },
            service,
            new VirtualClock(),
          );
          for (const [i, size] of sizes.entries()) writer.add(`${i}:${size}`, size);
          await writer.flush();
          for (const batch of service.batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxBatchSize);
            expect(batch.reduce((n, e) => n + Number(e.split(":")[1]), 0)).toBeLessThanOrEqual(
              maxBatchSizeInBytes,
            );
          }
          expect(service.batches.flat()).toEqual(sizes.map((size, i) => `${i}:${size}`));
        },
      ),
      { numRuns: 50 },
    );
  });
});
