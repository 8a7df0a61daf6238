import { randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  boundedOutOfOrderness,
  generatorSource,
  MemoryCheckpointStore,
  pipeline,
  silentLogger,
  systemClock,
} from "@eddy/core";
import { sinkContext } from "@eddy/core/testing";
import {
  type FaultProxy,
  type LocalS3,
  LocalS3Objects,
  localS3ClientConfig,
  type ProxiedRequest,
  seededRandom,
  startFaultProxy,
  startLocalS3,
} from "@eddy/local-stack";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { S3SinkState } from "./pending-file.ts";
import { s3Sink } from "./s3-sink.ts";
import type { S3SinkOptions } from "./s3-sink-options.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3: LocalS3;
let proxy: FaultProxy;
let objects: LocalS3Objects;
const bucket = `s3-sink-${process.pid}`;
let prefixes = 0;

beforeAll(async () => {
  s3 = await startLocalS3();
  proxy = await startFaultProxy({ target: s3.endpoint });
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
});

afterEach(() => proxy.setPolicy(() => undefined));

afterAll(async () => {
  await objects?.empty(bucket).catch(() => {});
  objects?.close();
  await proxy?.stop();
  await s3?.stop();
});

const newPrefix = () => `t${++prefixes}/`;
const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 21, 14, 0, 0);

function sinkOf<T>(prefix: string, options: Partial<S3SinkOptions<T>> = {}) {
  return s3Sink<T>({
    bucket,
    prefix,
    client: { ...localS3ClientConfig(proxy.endpoint), maxAttempts: 1 },
    retry: { initialBackoffMS: 5, maxBackoffMS: 50, maxAttempts: 30 },
    logger: silentLogger,
    ...options,
  });
}

// The sink's rolling intervals and backoffs run on the job's clock: here the wall clock.
const fresh = sinkContext({ clock: systemClock });

async function visibleLines(prefix: string): Promise<string[]> {
  const stored = await objects.readAll(bucket, prefix);
  return stored
    .filter((o) => !o.key.includes("/_"))
    .flatMap((o) => o.text.split("\n").filter((l) => l.length > 0));
}

describe("s3Sink", () => {
  test("part files become visible under dt=/hh= keys only when their checkpoint completes", async () => {
    const prefix = newPrefix();
    const sink = sinkOf<{ id: number }>(prefix);
    await sink.open!(fresh);
    await sink.write([{ id: 1 }, { id: 2 }, { id: 3 }], [T0 + 5, T0 + H + 5, T0 + 10]);
    const state = (await sink.snapshot!(1)) as S3SinkState;
    expect(state.pending.map((f) => f.key.replace(/part-.*$/, "part"))).toEqual([
      `${prefix}dt=2026-11-21/hh=14/part`,
      `${prefix}dt=2026-11-21/hh=15/part`,
    ]);
    expect(await objects.keys(bucket, prefix)).toEqual([]);
    expect((await objects.keys(bucket, `_eddy-staging/${prefix}`)).length).toBe(2);
    await sink.notifyCheckpointComplete!(1);
    const keys = await objects.keys(bucket, prefix);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(
      new RegExp(`^${prefix}dt=2026-11-21/hh=14/part-[a-z0-9]+-[a-z0-9]+-\\d+\\.jsonl$`),
    );
    expect(await objects.read(bucket, keys[0]!)).toBe('{"id":1}\n{"id":3}\n');
    expect(await objects.read(bucket, keys[1]!)).toBe('{"id":2}\n');
    expect(await objects.keys(bucket, `_eddy-staging/${prefix}`)).toEqual([]);
    await sink.close!();
  });

  test("a large part file goes up as a multipart upload while it grows, completed on checkpoint completion; gzip", async () => {
    const prefix = newPrefix();
    const sink = sinkOf<{ id: number; pad: string }>(prefix, { compression: "gzip" });
    await sink.open!(fresh);
    // Random padding, so gzip cannot shrink the file below two 5 MiB parts.
    const records = Array.from({ length: 12_000 }, (_, id) => ({
      id,
      pad: randomBytes(600).toString("base64"),
    }));
    for (let i = 0; i < records.length; i += 500) {
      await sink.write(records.slice(i, i + 500), new Array(500).fill(T0));
    }
    const state = (await sink.snapshot!(1)) as S3SinkState;
    expect(state.pending).toHaveLength(1);
    const [file] = state.pending;
    expect(file!.kind).toBe("multipart");
    expect(file!.kind === "multipart" && file!.parts.length).toBeGreaterThan(1);
    expect(await objects.keys(bucket, prefix)).toEqual([]);
    await sink.notifyCheckpointComplete!(1);
    const keys = await objects.keys(bucket, prefix);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/\.jsonl\.gz$/);
    const lines = (await objects.read(bucket, keys[0]!)).split("\n").filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(records.map((r) => r.id));
    expect(await objects.keys(bucket, `_eddy-staging/${prefix}`)).toEqual([]);
    await sink.close!();
  });

  test("on restore: what the checkpoint lists is committed once (again and again), what it does not is removed", async () => {
    const prefix = newPrefix();
    const first = sinkOf<{ id: number }>(prefix);
    await first.open!(fresh);
    await first.write([{ id: 1 }, { id: 2 }], [T0, T0]);
    const covered = (await first.snapshot!(1)) as S3SinkState;
    await first.write([{ id: 3 }], [T0]);
    await first.snapshot!(2); // pre-committed, but checkpoint 2 never completes: the worker dies
    await first.close!();
    expect(await objects.keys(bucket, prefix)).toEqual([]);

    for (let restart = 0; restart < 2; restart++) {
      const again = sinkOf<{ id: number }>(prefix);
      await again.open!(
        sinkContext({ clock: systemClock, restoredState: structuredClone(covered), restoredCheckpointId: 1 }),
      );
      await again.close!();
      expect(await visibleLines(prefix)).toEqual(['{"id":1}', '{"id":2}']);
      expect(await objects.keys(bucket, `_eddy-staging/${prefix}`)).toEqual([]);
    }
  });

  test("records that cannot be serialized go to the error prefix with the reason", async () => {
    const prefix = newPrefix();
    const sink = sinkOf<{ id: number; n?: bigint; bad?: boolean }>(prefix, {
      keyPrefix: (r, ts) => {
        if (r.bad) throw new Error("no partition for bad records");
        return `${new Date(ts).toISOString().slice(0, 10)}/`;
      },
    });
    await sink.open!(fresh);
    await sink.write([{ id: 1 }, { id: 2, n: 5n }, { id: 3, bad: true }, { id: 4 }], [T0, T0, T0, T0]);
    await sink.snapshot!(1);
    await sink.notifyCheckpointComplete!(1);
    await sink.close!();
    const data = await objects.readAll(bucket, `${prefix}2026-11-21/`);
    expect(data.map((o) => o.text)).toEqual(['{"id":1}\n{"id":4}\n']);
    const errors = await objects.readAll(bucket, `${prefix}_errors/dt=2026-11-21/hh=14/`);
    const lines = errors.flatMap((o) =>
      o.text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as object),
    );
    expect(lines).toEqual([
      {
        error: "TypeError: Do not know how to serialize a BigInt",
        record: "{ id: 2, n: 5n }",
        timestamp: T0,
      },
      { error: "Error: no partition for bad records", record: '{"id":3,"bad":true}', timestamp: T0 },
    ]);
  });

  test("files roll on their rollover interval, before any barrier", async () => {
    const prefix = newPrefix();
    const sink = sinkOf<{ id: number }>(prefix, { rolloverInterval: 60, inactivityInterval: 10_000 });
    await sink.open!(fresh);
    await sink.write([{ id: 1 }], [T0]);
    // The first file is rolled and staged by the interval alone, no barrier or write needed.
    const deadline = Date.now() + 10_000;
    while ((await objects.keys(bucket, `_eddy-staging/${prefix}`)).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await objects.keys(bucket, `_eddy-staging/${prefix}`)).toHaveLength(1);
    await sink.write([{ id: 2 }], [T0]);
    const state = (await sink.snapshot!(1)) as S3SinkState;
    expect(state.pending.map((f) => f.records)).toEqual([1, 1]);
    await sink.notifyCheckpointComplete!(1);
    await sink.close!();
    expect((await visibleLines(prefix)).sort()).toEqual(['{"id":1}', '{"id":2}']);
  });

  test("with SlowDown and 503 injected (some after S3 did the work), every record is in exactly one object", async () => {
    const prefix = newPrefix();
    const random = seededRandom(21);
    proxy.stats.faults = 0;
    proxy.setPolicy((request: ProxiedRequest) => {
      if (request.method === "GET" || request.method === "HEAD") return undefined;
      const dice = random();
      const slowDown = {
        status: 503,
        headers: { "content-type": "application/xml" },
        body: Buffer.from(
          "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
        ),
      };
      if (dice < 0.2) return { respond: slowDown };
      if (dice < 0.3) return { forward: undefined, rewrite: () => slowDown };
      return undefined;
    });
    const records = Array.from({ length: 3000 }, (_, id) => ({ id, at: T0 + (id % 4) * H }));
    const job = pipeline("s3-faults", {
      logger: silentLogger,
      stopOnSignals: false,
      checkpoints: { store: new MemoryCheckpointStore(), every: 40 },
    });
    job
      .source(
        generatorSource({
          count: records.length,
          generate: (i) => records[i]!,
          batchSize: 100,
          ratePerSecond: 33333,
        }),
      )
      .withWatermarks(boundedOutOfOrderness(10 * H), (r) => r.at)
      .sink(sinkOf(prefix));
    await job.run();
    expect(proxy.stats.faults).toBeGreaterThan(5);
    const ids = (await visibleLines(prefix))
      .map((l) => (JSON.parse(l) as { id: number }).id)
      .sort((a, b) => a - b);
    expect(ids).toEqual(records.map((r) => r.id));
    const keys = await objects.keys(bucket, prefix);
    expect(new Set(keys.map((k) => k.split("/").slice(1, 3).join("/")))).toEqual(
      new Set(["dt=2026-11-21/hh=14", "dt=2026-11-21/hh=15", "dt=2026-11-21/hh=16", "dt=2026-11-21/hh=17"]),
    );
  });
});

describe("gzip output", () => {
  test("is one valid .gz per object (a series of gzip members)", () => {
    const member = (s: string) => gzipSync(s);
    expect(gunzipSync(Buffer.concat([member("a\n"), member("b\n")])).toString()).toBe("a\nb\n");
  });
});
