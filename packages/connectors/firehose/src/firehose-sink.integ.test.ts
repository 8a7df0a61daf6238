import { FirehoseClient } from "@aws-sdk/client-firehose";
import { generatorSource, MemoryCheckpointStore, pipeline, silentLogger, systemClock } from "@eddy/core";
import { sinkContext } from "@eddy/core/testing";
import {
  type FaultProxy,
  type LocalFirehose,
  type LocalS3,
  LocalS3Objects,
  localClientConfig,
  type ProxiedRequest,
  type ProxiedResponse,
  seededRandom,
  startFaultProxy,
  startLocalFirehose,
  startLocalS3,
} from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { firehoseSink } from "./firehose-sink.ts";
import { createDeliveryStream } from "./test-support/delivery-stream.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3: LocalS3;
let firehose: LocalFirehose;
let proxy: FaultProxy;
let objects: LocalS3Objects;
let admin: FirehoseClient;
const bucket = `firehose-sink-${process.pid}`;
let streamCount = 0;

beforeAll(async () => {
  s3 = await startLocalS3();
  firehose = await startLocalFirehose({ s3Endpoint: s3.endpoint });
  proxy = await startFaultProxy({ target: firehose.endpoint });
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
  admin = new FirehoseClient(localClientConfig(firehose.endpoint));
});

afterAll(async () => {
  admin?.destroy();
  objects?.close();
  await proxy?.stop();
  await firehose?.stop();
  await s3?.stop();
});

/** A delivery stream of its own for each test, delivering under `<name>/` after 1 s. */
function newStream(options: { gzip?: boolean } = {}): Promise<string> {
  const name = `stream-${++streamCount}-${Date.now().toString(36)}`;
  return createDeliveryStream(admin, { name, bucket, ...options });
}

/** What the sink's client sees: the proxy, with the SDK's own retries off so ours are tested. */
const clientConfig = () => ({ ...localClientConfig(proxy.endpoint), maxAttempts: 1 });

async function delivered(stream: string): Promise<{ keys: string[]; lines: string[] }> {
  await firehose.drain();
  const stored = await objects.readAll(bucket, `${stream}/`);
  return {
    keys: stored.map((o) => o.key),
    lines: stored.flatMap((o) => o.text.split("\n").filter((l) => l.length > 0)),
  };
}

const isPutRecordBatch = (r: ProxiedRequest) =>
  r.headers["x-amz-target"] === "Firehose_20150804.PutRecordBatch";

const reply = (status: number, body: unknown): ProxiedResponse => ({
  status,
  headers: { "content-type": "application/x-amz-json-1.1" },
  body: Buffer.from(JSON.stringify(body)),
});

/**
 * Throttles a share of PutRecordBatch calls (the service answers 503 before taking anything) and
 * fails a share of the records of others: those are dropped from the request before it reaches the
 * stand-in and reported failed in its answer, as the service does.
 */
function throttleAndFailRecords(seed: number) {
  const random = seededRandom(seed);
  return (request: ProxiedRequest) => {
    if (!isPutRecordBatch(request)) return undefined;
    const dice = random();
    if (dice < 0.2) {
      return { respond: reply(503, { __type: "ServiceUnavailableException", message: "Slow down." }) };
    }
    if (dice > 0.6) return undefined;
    const body = JSON.parse(request.body.toString("utf8")) as { Records: { Data: string }[] };
    const failedAt = body.Records.map(() => random() < 0.3);
    const forwarded = { ...body, Records: body.Records.filter((_, i) => !failedAt[i]) };
    return {
      forward: Buffer.from(JSON.stringify(forwarded)),
      rewrite: (response: ProxiedResponse): ProxiedResponse => {
        const answer = JSON.parse(response.body.toString("utf8")) as { RequestResponses?: unknown[] };
        const passed = [...(answer.RequestResponses ?? [])];
        const failedCount = failedAt.filter(Boolean).length;
        return reply(200, {
          FailedPutCount: failedCount,
          Encrypted: false,
          RequestResponses: failedAt.map((failed) =>
            failed
              ? { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." }
              : passed.shift(),
          ),
        });
      },
    };
  };
}

describe("firehoseSink against the local Firehose", () => {
  test("with throttling and partial failures injected, every record arrives in S3, once, under the stream's prefix", async () => {
    const stream = await newStream();
    const records = Array.from({ length: 3000 }, (_, id) => ({ id, page: `/p/${id % 7}` }));
    proxy.setPolicy(throttleAndFailRecords(7));
    proxy.stats.faults = 0;
    const job = pipeline("firehose-faults", {
      logger: silentLogger,
      stopOnSignals: false,
      checkpoints: { store: new MemoryCheckpointStore(), every: 50 },
    });
    job
      .source(
        generatorSource({
          count: records.length,
          generate: (i) => records[i]!,
          batchSize: 100,
          ratePerSecond: 50000,
        }),
      )
      .sink(
        firehoseSink({
          deliveryStreamName: stream,
          client: clientConfig(),
          maxBatchSize: 200,
          maxInFlightRequests: 4,
          retry: { initialBackoffMS: 5, maxBackoffMS: 100, maxAttempts: 30 },
        }),
      );
    await job.run();
    proxy.setPolicy(() => undefined);
    expect(proxy.stats.faults).toBeGreaterThan(5);
    const { keys, lines } = await delivered(stream);
    const ids = lines.map((l) => (JSON.parse(l) as { id: number }).id).sort((a, b) => a - b);
    expect(ids).toEqual(records.map((r) => r.id));
    for (const key of keys)
      expect(key).toMatch(new RegExp(`^${stream}/\\d{4}/\\d{2}/\\d{2}/\\d{2}/${stream}-1-`));
  });

  test("flushes at the barrier: nothing is sent before it, everything is accepted when snapshot resolves", async () => {
    const stream = await newStream({ gzip: true });
    const sink = firehoseSink<{ n: number }>({
      deliveryStreamName: stream,
      client: clientConfig(),
      maxTimeInBufferMS: 60_000,
    });
    await sink.open!(sinkContext({ clock: systemClock }));
    const before = proxy.stats.requests;
    await sink.write(
      Array.from({ length: 10 }, (_, n) => ({ n })),
      [],
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(proxy.stats.requests).toBe(before);
    expect(await sink.snapshot!(1)).toBeUndefined();
    expect(proxy.stats.requests).toBe(before + 1);
    await sink.close!();
    const { keys, lines } = await delivered(stream);
    expect(keys.every((k) => k.endsWith(".gz"))).toBe(true);
    expect(lines).toEqual(Array.from({ length: 10 }, (_, n) => JSON.stringify({ n })));
  });

  test("batches stay within 500 records and 4 MiB; a user serializer replaces JSON lines", async () => {
    const stream = await newStream();
    const seen: { count: number; bytes: number }[] = [];
    proxy.setPolicy((request) => {
      if (isPutRecordBatch(request)) {
        const body = JSON.parse(request.body.toString("utf8")) as { Records: { Data: string }[] };
        seen.push({
          count: body.Records.length,
          bytes: body.Records.reduce((n, r) => n + Buffer.from(r.Data, "base64").byteLength, 0),
        });
      }
      return undefined;
    });
    const sink = firehoseSink<number>({
      deliveryStreamName: stream,
      client: clientConfig(),
      serializer: (n) => `${n},${"x".repeat(n % 2 === 0 ? 10 : 20_000)}\n`,
    });
    await sink.open!(sinkContext({ clock: systemClock }));
    const values = Array.from({ length: 1500 }, (_, n) => n);
    await sink.write(values, []);
    await sink.finish!();
    await sink.close!();
    proxy.setPolicy(() => undefined);
    expect(Math.max(...seen.map((s) => s.count))).toBeLessThanOrEqual(500);
    expect(Math.max(...seen.map((s) => s.bytes))).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(seen.reduce((n, s) => n + s.count, 0)).toBe(1500);
    const { lines } = await delivered(stream);
    expect(lines.map((l) => Number(l.split(",")[0])).sort((a, b) => a - b)).toEqual(values);
  });

  test("records too large or not serializable go to the job's dead letters (or the deprecated onInvalidRecord); with failOnError the job fails with the reason", async () => {
    const stream = await newStream();
    const records = [{ id: 1 }, { id: 2, blob: "x".repeat(2000) }, { id: 3, big: 1n }, { id: 4 }];
    const sink = firehoseSink<{ id: number; blob?: string; big?: bigint }>({
      deliveryStreamName: stream,
      client: clientConfig(),
      maxRecordSizeInBytes: 1024,
    });
    const context = sinkContext({ clock: systemClock });
    await sink.open!(context);
    await sink.write(records, [10, 20, 30, 40]);
    await sink.finish!();
    await sink.close!();
    expect(context.deadLettersSent).toEqual([
      {
        origin: `firehose(${stream})`,
        reason: "too-large",
        error: "the record is 2019 bytes, more than maxRecordSizeInBytes (1024)",
        value: records[1],
        timestamp: 20,
      },
      {
        origin: `firehose(${stream})`,
        reason: "invalid",
        error: "it cannot be serialized: Do not know how to serialize a BigInt",
        value: records[2],
        timestamp: 30,
      },
    ]);
    expect((await delivered(stream)).lines).toEqual(['{"id":1}', '{"id":4}']);

    const invalid: string[] = [];
    const routed = firehoseSink<{ id: number; big?: bigint }>({
      deliveryStreamName: stream,
      client: clientConfig(),
      onInvalidRecord: (record, reason) => invalid.push(`${record.id}: ${reason}`),
    });
    const routedContext = sinkContext();
    await routed.open!(routedContext);
    await routed.write([{ id: 3, big: 1n }], []);
    await routed.close!();
    expect(invalid).toEqual(["3: it cannot be serialized: Do not know how to serialize a BigInt"]);
    expect(routedContext.deadLettersSent).toEqual([]);

    const strict = firehoseSink<{ big: bigint }>({
      deliveryStreamName: stream,
      client: clientConfig(),
      failOnError: true,
    });
    await strict.open!(sinkContext());
    expect(() => strict.write([{ big: 1n }], [])).toThrow(
      /a record is not written because it cannot be serialized: Do not know how to serialize a BigInt \(failOnError is set\)/,
    );
    await strict.close!();
  });

  test("a missing delivery stream fails at once instead of retrying", async () => {
    const sink = firehoseSink<number>({ deliveryStreamName: "no-such-stream", client: clientConfig() });
    await sink.open!(sinkContext({ clock: systemClock }));
    await sink.write([1], []);
    const started = Date.now();
    await expect(sink.snapshot!(1)).rejects.toThrow(/cannot be retried: ResourceNotFoundException/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await sink.close!();
  });
});
