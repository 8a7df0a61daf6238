import { describe, expect, test } from "vitest";
import type { DataStream } from "../dsl/data-stream.ts";
import { OperatorError } from "../runtime/errors.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import { createTestHarness, type TestHarness } from "../testing/index.ts";

interface Order {
  readonly user: string;
  readonly amount: number;
}

const order = (user: string, amount: number): Order => ({ user, amount });
const total = (a: Order, b: Order): Order => ({ user: a.user, amount: a.amount + b.amount });

const reduceHarness = () =>
  createTestHarness((input: DataStream<Order>) => input.keyBy((o) => o.user).reduce(total));

describe("reduce", () => {
  test("empty input gives nothing", async () => {
    const h = reduceHarness();
    await h.endInput();
    expect(h.output()).toEqual([]);
  });

  test("the first record of a key is emitted as is, with its timestamp", async () => {
    const h = reduceHarness();
    await h.processElement(order("ann", 5), 100);
    expect(h.output()).toEqual([{ value: order("ann", 5), timestamp: 100 }]);
  });

  test("emits the key's reduced value after every record, in arrival order, ignoring the watermark", async () => {
    const h = reduceHarness();
    await h.processElements([
      { value: order("ann", 5), timestamp: 30 },
      { value: order("bob", 1), timestamp: 10 },
      { value: order("ann", 2), timestamp: 20 },
    ]);
    await h.processWatermark(100);
    await h.processElement(order("ann", 10), 5);
    expect(h.output()).toEqual([
      { value: order("ann", 5), timestamp: 30 },
      { value: order("bob", 1), timestamp: 10 },
      { value: order("ann", 7), timestamp: 20 },
      { value: order("ann", 17), timestamp: 5 },
    ]);
  });

  test("a reducer's argument order is accumulated first, then the new record", async () => {
    const h = createTestHarness((input: DataStream<string>) =>
      input.keyBy((s) => s.length).reduce((acc, s) => `${acc}+${s}`),
    );
    await h.processElements(["a", "bb", "c", "d"].map((value, i) => ({ value, timestamp: i })));
    expect(h.values()).toEqual(["a", "bb", "a+c", "a+c+d"]);
  });

  test("a throwing reducer fails the job, naming the operator", async () => {
    const h = createTestHarness((input: DataStream<Order>) =>
      input
        .keyBy((o) => o.user)
        .reduce(() => {
          throw new Error("no reduce today");
        }),
    );
    await h.processElement(order("ann", 1), 1);
    const failure = h.processElement(order("ann", 2), 2);
    await expect(failure).rejects.toThrow(OperatorError);
    await expect(failure).rejects.toThrow(/reduce#\d+: failed on a record \(timestamp 2\): no reduce today/);
  });

  test("with an errors output, a failing record is routed there and the key's value is kept", async () => {
    const errors = new OutputTag<FailedRecord<Order>>("errors");
    const h = createTestHarness((input: DataStream<Order>) =>
      input
        .keyBy((o) => {
          if (o.user === "") throw new Error("no user");
          return o.user;
        })
        .reduce(
          (a, b) => {
            if (b.amount < 0) throw new Error("refund");
            return total(a, b);
          },
          { errors },
        ),
    );
    await h.processElements([
      { value: order("ann", 5), timestamp: 1 },
      { value: order("ann", -1), timestamp: 2 },
      { value: order("", 3), timestamp: 3 },
      { value: order("ann", 1), timestamp: 4 },
    ]);
    expect(h.values()).toEqual([order("ann", 5), order("ann", 6)]);
    expect(h.sideOutput(errors).map((e) => [e.value.value, e.value.error])).toEqual([
      [order("ann", -1), "refund"],
      [order("", 3), "no user"],
    ]);
  });

  test("snapshot and restore in the middle gives the same results as an uninterrupted run", async () => {
    const feed = async (h: TestHarness<Order, Order>, restore: boolean) => {
      await h.processElements(
        [order("ann", 1), order("bob", 2), order("ann", 3)].map((value, i) => ({ value, timestamp: i })),
      );
      if (restore) await h.snapshotAndRestore();
      await h.processElements(
        [order("bob", 4), order("cid", 5)].map((value, i) => ({ value, timestamp: 10 + i })),
      );
      if (restore) await h.snapshotAndRestore();
      await h.processElements(
        [order("ann", 6), order("cid", 7)].map((value, i) => ({ value, timestamp: 20 + i })),
      );
    };
    const uninterrupted = reduceHarness();
    const restored = reduceHarness();
    await feed(uninterrupted, false);
    await feed(restored, true);
    expect(restored.output()).toEqual(uninterrupted.output());
    expect(restored.values().at(-2)).toEqual(order("ann", 10));
    expect(restored.values().at(-1)).toEqual(order("cid", 12));
  });
});
