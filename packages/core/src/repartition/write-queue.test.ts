import { describe, expect, test } from "vitest";
import type { RepartitionMessage, RepartitionStreamWriter } from "./repartition-channel.ts";
import { type OutgoingMessage, RepartitionWriteQueue } from "./write-queue.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const record = (name: string, keyGroup = 0): OutgoingMessage => ({ data: encoder.encode(name), keyGroup });
const watermark = (name: string, splits = "a"): OutgoingMessage => ({
  data: encoder.encode(name),
  keyGroup: undefined,
  supersedes: `watermark:${splits}`,
  recordsMayPass: true,
});
/** An `idle`, `active` or `end` marker: records after it must not be stored before it. */
const barrierMarker = (name: string): OutgoingMessage => ({
  data: encoder.encode(name),
  keyGroup: undefined,
});

/** A stream writer whose calls wait for `release()`; it records the messages of each call. */
class HeldWriter implements RepartitionStreamWriter {
  readonly calls: string[][] = [];
  #held: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  write(messages: readonly RepartitionMessage[]): Promise<void> {
    this.calls.push(messages.map((message) => decoder.decode(message.data)));
    return new Promise((resolve, reject) => this.#held.push({ resolve, reject }));
  }

  release(error?: Error): void {
    for (const call of this.#held.splice(0)) {
      if (error) call.reject(error);
      else call.resolve();
    }
  }

  close(): void {}
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Lets the writer's calls answer until the queue has sent everything. */
async function drainAll(queue: RepartitionWriteQueue, writer: HeldWriter): Promise<void> {
  let drained = false;
  const done = queue.drain().then(() => {
    drained = true;
  });
  while (!drained) {
    writer.release();
    await settle();
  }
  await done;
}

describe("the repartition write queue", () => {
  test("the writes queued while a call runs go in one next call; a marker never shares a call with a record before it", async () => {
    const writer = new HeldWriter();
    const queue = new RepartitionWriteQueue(writer, 100);
    expect(queue.enqueue([record("r1"), watermark("w1"), record("r2")])).toBeUndefined();
    await settle();
    // The records go first; the watermark after r1 rides with the next call's records, at its front.
    expect(writer.calls).toEqual([["r1", "r2"]]);
    expect(queue.enqueue([record("r3"), watermark("w2", "b")])).toBeUndefined();
    expect(queue.enqueue([record("r4")])).toBeUndefined();
    await settle();
    expect(writer.calls).toHaveLength(1);
    writer.release();
    await settle();
    expect(writer.calls[1]).toEqual(["w1", "r3", "r4"]);
    // Nothing left to ride with: the carried marker goes alone, after the records it speaks about.
    writer.release();
    await settle();
    expect(writer.calls[2]).toEqual(["w2"]);
    await drainAll(queue, writer);
    expect(writer.calls).toHaveLength(3);
  });

  test("records never pass an idle, active or end marker: it goes in a call of markers only, between their records", async () => {
    const writer = new HeldWriter();
    const queue = new RepartitionWriteQueue(writer, 100);
    queue.enqueue([record("r1"), watermark("w1", "b"), record("r2"), barrierMarker("idle"), record("r3")]);
    queue.enqueue([barrierMarker("active"), watermark("w2"), record("r4")]);
    await drainAll(queue, writer);
    expect(writer.calls).toEqual([["r1", "r2"], ["w1", "idle"], ["r3"], ["active", "w2"], ["r4"]]);
  });

  test("a waiting watermark marker for the same splits is replaced by the later one, in the later one's place", async () => {
    const writer = new HeldWriter();
    const queue = new RepartitionWriteQueue(writer, 100);
    queue.enqueue([record("r1")]);
    await settle();
    queue.enqueue([record("r2"), watermark("w1"), watermark("x1", "b")]);
    queue.enqueue([record("r3"), watermark("w2")]);
    queue.enqueue([record("r4"), watermark("w3")]);
    writer.release();
    await settle();
    expect(writer.calls[1]).toEqual(["r2", "r3", "r4"]);
    // One already taken for a call is not replaced: it goes, and the new one after it.
    queue.enqueue([watermark("w4")]);
    writer.release();
    await settle();
    expect(writer.calls[2]).toEqual(["x1", "w3", "w4"]);
    await drainAll(queue, writer);
  });

  test("a full queue holds the write until the running call returns (backpressure)", async () => {
    const writer = new HeldWriter();
    const queue = new RepartitionWriteQueue(writer, 3);
    queue.enqueue([record("r1")]);
    await settle();
    expect(queue.enqueue([record("r2"), record("r3")])).toBeUndefined();
    let returned = false;
    const held = queue.enqueue([record("r4")]);
    expect(held).toBeInstanceOf(Promise);
    void held!.then(() => {
      returned = true;
    });
    await settle();
    expect(returned).toBe(false);
    writer.release();
    await settle();
    expect(returned).toBe(true);
    expect(writer.calls).toEqual([["r1"], ["r2", "r3", "r4"]]);
    await drainAll(queue, writer);
  });

  test("a failed call fails the next write and the drain with its error", async () => {
    const writer = new HeldWriter();
    const queue = new RepartitionWriteQueue(writer, 100);
    queue.enqueue([record("r1")]);
    await settle();
    writer.release(new Error("PutRecords to s: 1 entries still failed after 3 attempts"));
    await settle();
    expect(() => queue.enqueue([record("r2")])).toThrow(/still failed/);
    await expect(queue.drain()).rejects.toThrow(/still failed/);
  });
});
