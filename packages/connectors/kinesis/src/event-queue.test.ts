import { describe, expect, test } from "vitest";
import { SourceEventQueue } from "./event-queue.ts";

const batch = (split: string, n: number) => ({ kind: "data" as const, split, values: [n], position: n });

describe("SourceEventQueue", () => {
  test("hands events over in arrival order across shards", async () => {
    const queue = new SourceEventQueue<number>(10);
    queue.push(batch("a", 1));
    queue.push(batch("b", 2));
    queue.push(batch("a", 3));
    const taken = [await queue.take(), await queue.take(), await queue.take()];
    expect(taken.map((e) => (e.kind === "data" ? e.values[0] : -1))).toEqual([1, 2, 3]);
  });

  test("take waits for the next event", async () => {
    const queue = new SourceEventQueue<number>(10);
    const next = queue.take();
    queue.push(batch("a", 7));
    expect(await next).toMatchObject({ values: [7] });
  });

  test("with a signal, take resolves undefined once it is aborted, also while it waits", async () => {
    const queue = new SourceEventQueue<number>(10);
    const stop = new AbortController();
    const waiting = queue.take(stop.signal);
    stop.abort();
    expect(await waiting).toBeUndefined();
    queue.push(batch("a", 1));
    expect(await queue.take(stop.signal)).toBeUndefined();
    expect(await queue.take()).toMatchObject({ values: [1] });
  });

  test("a shard with its share queued waits for room; other shards do not", async () => {
    const queue = new SourceEventQueue<number>(2);
    queue.push(batch("a", 1));
    expect(queue.room("a")).toBeUndefined();
    queue.push(batch("a", 2));
    const room = queue.room("a");
    expect(room).toBeInstanceOf(Promise);
    expect(queue.room("b")).toBeUndefined();
    let released = false;
    void room!.then(() => {
      released = true;
    });
    await queue.take();
    await room;
    expect(released).toBe(true);
  });

  test("a failure fails the pending and every later take", async () => {
    const queue = new SourceEventQueue<number>(2);
    const pending = queue.take();
    queue.fail(new Error("shard reader failed"));
    await expect(pending).rejects.toThrow("shard reader failed");
    await expect(queue.take()).rejects.toThrow("shard reader failed");
  });

  test("once released, a shard with its share queued does not wait: the source is closing", () => {
    const queue = new SourceEventQueue<number>(1);
    queue.push(batch("a", 1));
    const waiting = queue.room("a");
    expect(waiting).toBeInstanceOf(Promise);
    queue.release();
    // A reader whose call answered as the source closed asks again after the release.
    queue.push(batch("a", 2));
    expect(queue.room("a")).toBeUndefined();
    return waiting;
  });
});
