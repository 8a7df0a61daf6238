import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  type FailedRecord,
  MemoryCheckpointStore,
  MemoryLeaseStore,
  OutputTag,
  pipeline,
  type Sink,
  type SourceEvent,
  type SourceReader,
  silentLogger,
} from "@eddy/core";
import { sourceContext } from "@eddy/core/testing";
import { type LocalS3, LocalS3Objects, localS3ClientConfig, startLocalS3 } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type S3SourcePosition, s3Source } from "./s3-source.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3: LocalS3;
let objects: LocalS3Objects;
const bucket = `s3-source-${process.pid}`;

const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ id: from + i })).join("\n");

beforeAll(async () => {
  s3 = await startLocalS3();
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
  const put = (key: string, body: string | Buffer) =>
    objects.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  await put("in/dt=2026-11-21/hh=13/a.jsonl", `${lines(0, 250)}\n`);
  await put("in/dt=2026-11-21/hh=14/b.jsonl.gz", gzipSync(`${lines(250, 520)}\r\n\n`));
  await put("in/dt=2026-11-21/hh=15/c.jsonl", lines(520, 700)); // no final newline
  await put("in/_errors/dt=2026-11-21/x.jsonl", "{not json}\n");
  await put("in/dt=2026-11-21/hh=15/.hidden", "{not json}\n");
  await put("bad/one.jsonl", '{"id":1}\n{oops\n{"id":2}\n');
});

afterAll(async () => {
  await objects?.empty(bucket).catch(() => {});
  objects?.close();
  await s3?.stop();
});

const client = () => localS3ClientConfig(s3.endpoint);
const split = `${bucket}/in/`;

async function open(restored?: unknown): Promise<SourceReader<{ id: number }>> {
  const source = s3Source<{ id: number }>({ bucket, prefix: "in/", client: client(), batchSize: 100 });
  return source.open(
    sourceContext({
      clock: { now: () => 0, schedule: () => () => {} },
      restoredPositions: new Map(restored === undefined ? [] : [[split, restored]]),
    }),
  );
}

async function readAll(reader: SourceReader<{ id: number }>, stopAfter = Number.POSITIVE_INFINITY) {
  const ids: number[] = [];
  let position: unknown;
  let batches = 0;
  while (batches < stopAfter) {
    const event: SourceEvent<{ id: number }> | undefined = await reader.next();
    if (!event) break;
    position = event.position;
    if (event.kind === "data") {
      ids.push(...event.values.map((v) => v.id));
      batches++;
    }
  }
  return { ids, position };
}

describe("s3Source", () => {
  test("reads JSON lines of plain and gzipped objects in key order, skipping hidden paths, then finishes", async () => {
    const reader = await open();
    const { ids, position } = await readAll(reader);
    await reader.close?.();
    expect(ids).toEqual(Array.from({ length: 700 }, (_, i) => i));
    expect(position).toEqual({
      key: "in/dt=2026-11-21/hh=15/c.jsonl",
      offset: lines(520, 700).length,
      line: 180,
      complete: true,
    });
  });

  test("resumes exactly after the last emitted line, inside plain and gzipped objects", async () => {
    for (const stopAfter of [1, 2, 3, 4, 5, 6, 7]) {
      const first = await open();
      const head = await readAll(first, stopAfter);
      await first.close?.();
      const position = JSON.parse(JSON.stringify(head.position)) as S3SourcePosition;
      const second = await open(position);
      const tail = await readAll(second);
      await second.close?.();
      expect([...head.ids, ...tail.ids]).toEqual(Array.from({ length: 700 }, (_, i) => i));
    }
  });

  test("a finished position reads nothing more", async () => {
    const done = await readAll(await open());
    const again = await open(done.position);
    expect((await readAll(again)).ids).toEqual([]);
  });

  test("on several workers: lists one split per readable object, and reads an assigned one from its restored position", async () => {
    const source = s3Source<{ id: number }>({ bucket, prefix: "in/", client: client(), batchSize: 100 });
    const splits = await source.listSplits({ keyGroups: 128, signal: new AbortController().signal });
    expect(splits).toEqual([
      { id: "in/dt=2026-11-21/hh=13/a.jsonl" },
      { id: "in/dt=2026-11-21/hh=14/b.jsonl.gz" },
      { id: "in/dt=2026-11-21/hh=15/c.jsonl" },
    ]);
    const a = "in/dt=2026-11-21/hh=13/a.jsonl";
    const restored: S3SourcePosition = {
      key: a,
      offset: lines(0, 120).length + 1,
      line: 120,
      complete: false,
    };
    const reader = await source.open(
      sourceContext({
        clock: { now: () => 0, schedule: () => () => {} },
        assignedSplits: new Set([a]),
        restoredPositions: new Map([[a, restored]]),
      }),
    );
    const { ids, position } = await readAll(reader);
    await reader.close?.();
    expect(ids).toEqual(Array.from({ length: 130 }, (_, i) => 120 + i));
    expect(position).toEqual({ key: a, offset: lines(0, 250).length + 1, line: 250, complete: true });
  });

  test("two workers sharing the objects' leases read every line exactly once between them", async () => {
    for (let o = 0; o < 4; o++) {
      const body = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: o * 30 + i })).join("\n");
      await objects.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: `many/o${o}.jsonl`, Body: body }),
      );
    }
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const read = { a: [] as number[], b: [] as number[] };
    const worker = (workerId: "a" | "b") => {
      const job = pipeline("s3-source-workers", {
        logger: silentLogger,
        stopOnSignals: false,
        checkpoints: { every: 50, store },
        cluster: {
          leases,
          workerId,
          leaseDurationMs: 3000,
          failoverTimeMs: 3000,
          pollIntervalMs: 50,
          assignmentIntervalMs: 200,
        },
      });
      const source = s3Source<{ id: number }>({ bucket, prefix: "many/", client: client(), batchSize: 10 });
      job
        .source(source)
        .sink({ name: "collect", write: (values) => void read[workerId].push(...values.map((v) => v.id)) });
      return job.run();
    };
    expect(await Promise.all([worker("a"), worker("b")])).toEqual([
      expect.objectContaining({ outcome: "finished" }),
      expect.objectContaining({ outcome: "finished" }),
    ]);
    // How the leases were shared out is the coordinator's timing (one worker may take them all
    // before the other joins); what the source guarantees is that together they read each line once.
    expect([...read.a, ...read.b].sort((x, y) => x - y)).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  test("in a job: lines that cannot be decoded go to the dead-letter output with object and line", async () => {
    const deadLetters = new OutputTag<FailedRecord<string>>("bad-lines");
    const good: { id: number }[] = [];
    const bad: FailedRecord<string>[] = [];
    const collect = <T>(into: T[]): Sink<T> => ({
      name: "collect",
      write: (values) => void into.push(...values),
    });
    const job = pipeline("s3-source-dlq", { logger: silentLogger, stopOnSignals: false });
    const stream = job.source(
      s3Source<{ id: number }>({ bucket, prefix: "bad/", client: client(), deadLetters }),
    );
    stream.sink(collect(good));
    stream.getSideOutput(deadLetters).sink(collect(bad));
    await job.run();
    expect(good).toEqual([{ id: 1 }, { id: 2 }]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.value).toBe("{oops");
    expect(bad[0]!.error).toMatch(new RegExp(`^s3://${bucket}/bad/one.jsonl line 2: `));

    const strict = pipeline("s3-source-strict", { logger: silentLogger, stopOnSignals: false });
    strict.source(s3Source({ bucket, prefix: "bad/", client: client() })).sink(collect<unknown>([]));
    await expect(strict.run()).rejects.toThrow(/bad\/one.jsonl line 2 cannot be decoded/);
  });
});
