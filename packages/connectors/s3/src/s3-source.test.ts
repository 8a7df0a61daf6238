import { gzipSync } from "node:zlib";
import type { SourceEvent, SourceReader } from "@eddy/core";
import { sourceContext } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { createS3Source, type S3SourceOptions, type S3SourcePosition } from "./s3-source.ts";
import { s3Error, scriptedS3 } from "./test-support/scripted-s3.ts";

type Row = { id: number };
const signal = new AbortController().signal;
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ id: from + i })).join("\n");
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A bucket with plain, gzipped and hidden objects under `in/`, listed two keys a page. */
function bucket(options: Parameters<typeof scriptedS3>[0] = {}) {
  const s3 = scriptedS3({ pageSize: 2, ...options });
  s3.objects.set("in/dt=1/a.jsonl", Buffer.from(`${lines(0, 5)}\n`));
  s3.objects.set("in/dt=1/_SUCCESS", Buffer.from(""));
  s3.objects.set("in/dt=2/", Buffer.from("")); // a "folder" placeholder
  s3.objects.set("in/dt=2/b.jsonl.gz", gzipSync(`${lines(5, 12)}\n`));
  s3.objects.set("in/_errors/x.jsonl", Buffer.from("{not json}\n"));
  s3.objects.set("in/dt=3/.c.jsonl.tmp", Buffer.from("{not json}\n"));
  s3.objects.set("in/dt=3/c.jsonl", Buffer.from(lines(12, 15))); // no final newline
  s3.objects.set("other/d.jsonl", Buffer.from(`${lines(99, 100)}\n`));
  return s3;
}

function source(s3: ReturnType<typeof scriptedS3>, options: Partial<S3SourceOptions<Row>> = {}) {
  return createS3Source<Row>(
    { bucket: "b", prefix: "in/", batchSize: 3, retry: { initialBackoffMS: 1, maxBackoffMS: 1 }, ...options },
    () => s3.proxy,
  );
}

async function drain(reader: SourceReader<Row>): Promise<SourceEvent<Row>[]> {
  const events: SourceEvent<Row>[] = [];
  for (let event = await reader.next(); event !== undefined; event = await reader.next()) events.push(event);
  await reader.close?.();
  return events;
}

/** The events in short: `active key`, `finished key`, or a batch as `key: ids`. */
function outline(events: SourceEvent<Row>[]): string[] {
  return events.map((e) =>
    e.kind === "data" ? `${e.split}: ${e.values.map((v) => v.id).join(",")}` : `${e.status} ${e.split}`,
  );
}

describe("s3Source splits (scale-out)", () => {
  test("lists every readable object under the prefix, over all pages, in key order, one split each", async () => {
    const s3 = bucket();
    const splits = await source(s3).listSplits({ keyGroups: 128, signal });
    expect(splits).toEqual([
      { id: "in/dt=1/a.jsonl" },
      { id: "in/dt=2/b.jsonl.gz" },
      { id: "in/dt=3/c.jsonl" },
    ]);
    expect(s3.calls.filter((c) => c === "list")).toHaveLength(4); // 7 keys under in/, 2 a page
    expect(s3.calls.at(-1)).toBe("close");

    const all = await source(bucket(), { skipHidden: false }).listSplits({ keyGroups: 128, signal });
    expect(all.map((s) => s.id)).toEqual([
      "in/_errors/x.jsonl",
      "in/dt=1/_SUCCESS",
      "in/dt=1/a.jsonl",
      "in/dt=2/b.jsonl.gz",
      "in/dt=3/.c.jsonl.tmp",
      "in/dt=3/c.jsonl",
    ]);
  });

  test("listing retries a throttled page, and an empty prefix has no splits", async () => {
    const s3 = bucket({
      fail: (call, n) => (call === "list" && n === 2 ? s3Error("SlowDown", 503) : undefined),
    });
    const splits = await source(s3).listSplits({ keyGroups: 128, signal });
    expect(splits).toHaveLength(3);
    expect(s3.calls.filter((c) => c === "list")).toHaveLength(5);
    expect(await source(bucket(), { prefix: "none/" }).listSplits({ keyGroups: 128, signal })).toEqual([]);
  });

  test("reads exactly the assigned objects, in key order, each announced active, then finished with its position", async () => {
    const s3 = bucket();
    const reader = await source(s3).open(
      sourceContext({ assignedSplits: new Set(["in/dt=3/c.jsonl", "in/dt=1/a.jsonl"]) }),
    );
    const events = await drain(reader);
    expect(outline(events)).toEqual([
      "active in/dt=1/a.jsonl",
      "in/dt=1/a.jsonl: 0,1,2",
      "in/dt=1/a.jsonl: 3,4",
      "finished in/dt=1/a.jsonl",
      "active in/dt=3/c.jsonl",
      "in/dt=3/c.jsonl: 12,13,14",
      "in/dt=3/c.jsonl: ", // an object of exactly a batch's lines ends with an empty batch, complete
      "finished in/dt=3/c.jsonl",
    ]);
    const a = lines(0, 5).length + 1;
    expect(events[2]!.position).toEqual({ key: "in/dt=1/a.jsonl", offset: a, line: 5, complete: true });
    expect(events[3]).toEqual({
      kind: "split-status",
      split: "in/dt=1/a.jsonl",
      status: "finished",
      position: { key: "in/dt=1/a.jsonl", offset: a, line: 5, complete: true },
    });
    expect(events[7]!.position).toEqual({
      key: "in/dt=3/c.jsonl",
      offset: lines(12, 15).length,
      line: 3,
      complete: true,
    });
    // Neither the other object nor a listing: the leases said what to read.
    expect(s3.gets.map((g) => g.key)).toEqual(["in/dt=1/a.jsonl", "in/dt=3/c.jsonl"]);
    expect(s3.calls).not.toContain("list");
  });

  test("resumes each assigned object at its own restored position, mid-object, plain and gzipped", async () => {
    for (const stopAfter of [1, 2, 3, 4, 5]) {
      const assignedSplits = new Set(["in/dt=1/a.jsonl", "in/dt=2/b.jsonl.gz"]);
      const first = await source(bucket()).open(sourceContext({ assignedSplits }));
      const head: number[] = [];
      const positions = new Map<string, unknown>();
      for (let batches = 0; batches < stopAfter; ) {
        const event = (await first.next())!;
        if (event.kind === "data") {
          head.push(...event.values.map((v) => v.id));
          positions.set(event.split, JSON.parse(JSON.stringify(event.position)));
          batches++;
        } else if (event.status === "finished") positions.set(event.split, event.position);
      }
      await first.close?.();

      const s3 = bucket();
      const tail = await drain(
        await source(s3).open(sourceContext({ assignedSplits, restoredPositions: positions })),
      );
      const tailIds = tail.flatMap((e) => (e.kind === "data" ? e.values.map((v) => v.id) : []));
      expect([...head, ...tailIds]).toEqual(ids(0, 12));
      // A plain object resumes with a ranged GET at the byte after the last emitted line.
      const a = positions.get("in/dt=1/a.jsonl") as S3SourcePosition | undefined;
      if (a && !a.complete) expect(s3.gets[0]).toEqual({ key: "in/dt=1/a.jsonl", offset: a.offset });
      // An object restored complete is only reported finished; the others are read on.
      const statuses = [...assignedSplits].flatMap((key) =>
        (positions.get(key) as S3SourcePosition | undefined)?.complete
          ? [`finished ${key}`]
          : [`active ${key}`, `finished ${key}`],
      );
      expect(outline(tail).filter((e) => !e.includes(":"))).toEqual(statuses);
    }
  });

  test("an object restored complete is reported finished and not read again", async () => {
    const s3 = bucket();
    const done: S3SourcePosition = { key: "in/dt=3/c.jsonl", offset: 40, line: 3, complete: true };
    const events = await drain(
      await source(s3).open(
        sourceContext({
          assignedSplits: new Set(["in/dt=3/c.jsonl"]),
          restoredPositions: new Map([["in/dt=3/c.jsonl", done]]),
        }),
      ),
    );
    expect(events).toEqual([
      { kind: "split-status", split: "in/dt=3/c.jsonl", status: "finished", position: done },
    ]);
    expect(s3.gets).toEqual([]);
  });

  test("an assigned split that is not an object under the prefix is refused, naming it, before a client opens", async () => {
    let opened = 0;
    const refusing = createS3Source<Row>({ bucket: "b", prefix: "in/" }, () => {
      opened++;
      return bucket().proxy;
    });
    expect(() => refusing.open(sourceContext({ assignedSplits: new Set(["other/d.jsonl"]) }))).toThrow(
      "s3(b/in/): assigned split other/d.jsonl is not an object under the prefix in/",
    );
    expect(opened).toBe(0);
  });

  test("in one process (no assigned splits) the prefix is one split, listed lazily, as before", async () => {
    const s3 = bucket();
    const events = await drain(await source(s3).open(sourceContext()));
    expect(outline(events)).toEqual([
      "b/in/: 0,1,2",
      "b/in/: 3,4",
      "b/in/: 5,6,7",
      "b/in/: 8,9,10",
      "b/in/: 11",
      "b/in/: 12,13,14",
      "b/in/: ",
      "finished b/in/",
    ]);
    expect(events.at(-1)!.position).toEqual({
      key: "in/dt=3/c.jsonl",
      offset: lines(12, 15).length,
      line: 3,
      complete: true,
    });
  });
});
