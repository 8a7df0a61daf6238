import { describe, expect, test } from "vitest";
import type { DataStream } from "../dsl/data-stream.ts";
import { OperatorError } from "../runtime/errors.ts";
import { sumByKey } from "../runtime/test-support/sum-by-key.ts";
import { createTestHarness } from "./harness.ts";

const sums = (input: DataStream<string>) =>
  input.transform(
    "sum",
    sumByKey(
      (w: string) => w,
      () => 1,
    ),
    { name: "sum" },
  );

describe("snapshotAndRestore", () => {
  test("keyed state survives restores from incremental checkpoints, as a job's would", async () => {
    const h = createTestHarness(sums, { keyGroups: 8 });
    await h.processElement("a", 1);
    await h.processElement("b", 2);
    await h.snapshotAndRestore();
    // Only "a" changes: the second checkpoint is a delta on the first for a's group alone.
    await h.processElement("a", 3);
    await h.snapshotAndRestore();
    await h.processElement("a", 4);
    await h.processElement("b", 5);
    await h.snapshotAndRestore();
    await h.processElement("b", 6);
    expect(h.values()).toEqual([
      ["a", 1],
      ["b", 1],
      ["a", 2],
      ["a", 3],
      ["b", 2],
      ["b", 3],
    ]);
  });

  test("an operator that fails as the barrier passes fails the harness", async () => {
    const h = createTestHarness((input: DataStream<number>) =>
      input.transform("fragile", () => ({
        processBatch() {},
        snapshotState: () => {
          throw new Error("cannot snapshot");
        },
      })),
    );
    await h.processElement(1, 1);
    const failure = await h.snapshotAndRestore().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OperatorError);
    expect((failure as Error).message).toMatch(/cannot snapshot/);
    await expect(h.processElement(2, 2)).rejects.toBe(failure);
  });
});
