import { expect, test } from "vitest";
import { pipeline } from "../pipeline.ts";
import type { Source } from "./source.ts";
import type { Sink } from "./sink.ts";
import { createTestHarness } from "../testing/index.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";

const arraySource = <T>(values: T[]): Source<T> => ({
  name: "array",
  bounded: true,
  open: () => {
    let done = false;
    return { next: async () => (done ? undefined : ((done = true), { kind: "data", split: "0", values, position: values.length })) };
  },
});

test("smoke", async () => {
  const out: number[] = [];
  const sink: Sink<number> = { name: "c", write: (v) => void out.push(...v) };
  const job = pipeline("smoke", { logger: undefined });
  job.source(arraySource([1, 2, 3])).map((x) => x * 2).filter((x) => x > 2).sink(sink);
  const result = await job.run();
  expect(result.outcome).toBe("finished");
  expect(out).toEqual([4, 6]);
});

test("harness smoke", async () => {
  const h = createTestHarness((s: DataStream<{ t: number }>) => s.withWatermarks(boundedOutOfOrderness(10), (e) => e.t));
  await h.processElement({ t: 100 }, 0);
  await h.processElement({ t: 120 }, 0);
  expect(h.output()).toEqual([{ value: { t: 100 }, timestamp: 100 }, { value: { t: 120 }, timestamp: 120 }]);
  expect(h.watermarks()).toEqual([89, 109]);
});
