import { describe, expect, test } from "vitest";
import { collectSink } from "./collect-sink.ts";

describe("collectSink", () => {
  test("collects values and timestamps in order across writes", async () => {
    const out = collectSink<string>();
    await out.sink.write(["a", "b"], [1, 2]);
    await out.sink.write(["c"], [Number.NaN]);
    expect(out.values()).toEqual(["a", "b", "c"]);
    expect(out.records()).toEqual([
      { value: "a", timestamp: 1 },
      { value: "b", timestamp: 2 },
      { value: "c", timestamp: Number.NaN },
    ]);
  });

  test("hands out copies", async () => {
    const out = collectSink<number>();
    await out.sink.write([1], [0]);
    out.values().push(99);
    expect(out.values()).toEqual([1]);
  });

  test("takes batches too large to spread into a call", async () => {
    const out = collectSink<number>();
    const big = Array.from({ length: 300_000 }, (_, i) => i);
    await out.sink.write(big, big);
    expect(out.values()).toHaveLength(300_000);
  });

  test("starts empty", () => {
    expect(collectSink().values()).toEqual([]);
  });
});
