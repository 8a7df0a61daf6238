import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { stats } from "../aggregates/stats.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { eventually } from "../testing/eventually.ts";
import { monotonous } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import { collectSink } from "./collect-sink.ts";
import { fromAsyncIterable } from "./from-async-iterable.ts";
import { fromIterable } from "./from-iterable.ts";
import { generatorSource } from "./generator-source.ts";
import { jsonLinesSink } from "./json-lines-sink.ts";
import { jsonLinesSource } from "./json-lines-source.ts";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "eddy-io-e2e-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function committedLines(out: string): Promise<unknown[]> {
  const parts = (await readdir(out)).filter((f) => f.startsWith("part-")).sort();
  const lines: unknown[] = [];
  for (const part of parts) {
    for (const line of (await readFile(join(out, part), "utf8")).split("\n")) {
      if (line !== "") lines.push(JSON.parse(line));
    }
  }
  return lines;
}

function latch(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("built-in sources and sinks in a running job", () => {
  test("fromIterable → map → collectSink", async () => {
    const out = collectSink<string>();
    const job = pipeline("t", quiet);
    job
      .source(fromIterable([1, 2, 3, 4, 5], { batchSize: 2 }))
      .map((n) => `#${n * 10}`)
      .sink(out.sink);
    expect(await job.run()).toEqual({ outcome: "finished", restoredFrom: undefined });
    expect(out.values()).toEqual(["#10", "#20", "#30", "#40", "#50"]);
  });

  test("timestamps assigned at the source reach the sink", async () => {
    const out = collectSink<string>();
    const job = pipeline("stamped", quiet);
    job.source(fromIterable(["a", "bb"], { timestampOf: (s) => s.length * 100 })).sink(out.sink);
    await job.run();
    expect(out.records()).toEqual([
      { value: "a", timestamp: 100 },
      { value: "bb", timestamp: 200 },
    ]);
  });

  test("a generated stream through a window with stats", async () => {
    const out = collectSink<{ key: string; start: number; count: number; max: number }>();
    const job = pipeline("generated", quiet);
    job
      .source(
        generatorSource({ count: 40, batchSize: 7, generate: (i) => ({ key: i % 2 ? "odd" : "even", i }) }),
      )
      .withWatermarks(monotonous(), (r) => r.i)
      .keyBy((r) => r.key)
      .window(tumbling(20))
      .aggregate(stats((r) => r.i))
      .map((r) => ({ key: r.key, start: r.window.start, count: r.value.count, max: r.value.max }))
      .sink(out.sink);
    await job.run();
    expect(out.values().sort((a, b) => a.start - b.start || a.key.localeCompare(b.key))).toEqual([
      { key: "even", start: 0, count: 10, max: 18 },
      { key: "odd", start: 0, count: 10, max: 19 },
      { key: "even", start: 20, count: 10, max: 38 },
      { key: "odd", start: 20, count: 10, max: 39 },
    ]);
  });

  test("a JSON-lines file through a filter into a JSON-lines directory", async () => {
    const input = join(dir, "orders.jsonl");
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i, total: (i * 37) % 100 }));
    await writeFile(input, [...lines.slice(0, 10), "garbage", ...lines.slice(10)].join("\n") + "\n");
    const rejected: number[] = [];
    const out = join(dir, "large-orders");
    const job = pipeline("orders", quiet);
    job
      .source(
        jsonLinesSource(input, {
          batchSize: 4,
          decode: (json) => json as { id: number; total: number },
          onInvalidLine: (_line, _error, n) => rejected.push(n),
        }),
      )
      .filter((o) => o.total >= 50)
      .sink(jsonLinesSink(out));
    await job.run();
    expect(rejected).toEqual([11]);
    const expected = lines.map((l) => JSON.parse(l) as { total: number }).filter((o) => o.total >= 50);
    expect(await committedLines(out)).toEqual(expected);
  });

  test("stopped after a savepoint and restored, the JSON-lines sink holds every record exactly once", async () => {
    const store = new MemoryCheckpointStore();
    const out = join(dir, "out");
    const records = Array.from({ length: 20 }, (_, i) => ({ i }));
    const gates = new Map([14, 17].map((at) => [at, latch()]));
    let read = 0;
    const numbers = (hold: boolean): AsyncIterable<{ i: number }> => ({
      async *[Symbol.asyncIterator]() {
        for (const record of records) {
          if (hold) await gates.get(record.i)?.promise;
          read++;
          yield record;
        }
      },
    });
    const build = (hold: boolean) => {
      const job = pipeline("exactly-once", { ...quiet, checkpoints: { store, retryDelay: 1 } });
      job
        .source(fromAsyncIterable(numbers(hold), { batchSize: 3 }))
        .map((r) => ({ i: r.i, square: r.i * r.i }))
        .sink(jsonLinesSink(out));
      return job;
    };
    const uncommittedLines = async () => {
      let count = 0;
      for (const file of (await readdir(out)).filter((f) => f.endsWith(".inprogress"))) {
        count += (await readFile(join(out, file), "utf8")).split("\n").length - 1;
      }
      return count;
    };

    const first = build(true);
    const running = first.run();
    await eventually(() => read === 14, { what: "14 records read" });
    await first.savepoint();
    expect(await committedLines(out)).toHaveLength(14);
    // Three more records are written after the savepoint, then the job dies before committing them.
    gates.get(14)?.open();
    await eventually(async () => (await uncommittedLines()) === 3, { what: "3 lines written, uncommitted" });
    await first.stop();
    gates.get(17)?.open();
    expect((await running).outcome).toBe("stopped");
    expect(await committedLines(out)).toHaveLength(14);

    const second = build(false);
    expect((await second.run()).restoredFrom).toBeDefined();
    expect(await committedLines(out)).toEqual(records.map((r) => ({ i: r.i, square: r.i * r.i })));
    expect((await readdir(out)).filter((f) => f.endsWith(".inprogress"))).toEqual([]);
  });
});
