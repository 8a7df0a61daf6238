import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import {
  fromAsyncIterable,
  generatorSource,
  MemoryCheckpointStore,
  pipeline,
  silentLogger,
  systemClock,
} from "@eddy/core";
import { eventually, sinkContext } from "@eddy/core/testing";
import {
  type FaultProxy,
  type LocalDynamoDb,
  localClientConfig,
  type ProxiedRequest,
  type ProxiedResponse,
  seededRandom,
  startFaultProxy,
  startLocalDynamoDb,
} from "@eddy/local-stack";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { dynamoDbSink } from "./dynamodb-sink.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let dynamo: LocalDynamoDb;
let proxy: FaultProxy;
let admin: DynamoDBClient;
const tables: string[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
  proxy = await startFaultProxy({ target: dynamo.endpoint });
  admin = new DynamoDBClient(localClientConfig(dynamo.endpoint));
});

afterEach(() => {
  proxy.setPolicy(() => undefined);
});

afterAll(async () => {
  for (const table of tables) await admin.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
  admin?.destroy();
  await proxy?.stop();
  await dynamo?.stop();
});

async function newTable(keys: { hash: string; range?: string }): Promise<string> {
  const name = `t${tables.length}-${Date.now().toString(36)}`;
  tables.push(name);
  const attributes = [keys.hash, ...(keys.range ? [keys.range] : [])];
  await admin.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: keys.hash, KeyType: "HASH" },
        ...(keys.range ? [{ AttributeName: keys.range, KeyType: "RANGE" as const }] : []),
      ],
      AttributeDefinitions: attributes.map((a) => ({ AttributeName: a, AttributeType: "S" as const })),
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return name;
}

async function scan(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await admin.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(unmarshall(item));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The sink's client goes through the proxy, with the SDK's own retries off so ours are tested. */
const clientConfig = () => ({ ...localClientConfig(proxy.endpoint), maxAttempts: 1 });

const target = (r: ProxiedRequest) => String(r.headers["x-amz-target"] ?? "");

const reply = (status: number, body: unknown): ProxiedResponse => ({
  status,
  headers: { "content-type": "application/x-amz-json-1.0" },
  body: Buffer.from(JSON.stringify(body)),
});

const throttled = () =>
  reply(400, {
    __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    message: "The level of configured provisioned throughput for the table was exceeded.",
  });

/**
 * Throttles a share of writes before they reach dynalite, and for a share of BatchWriteItem calls
 * holds some items back: they are removed from the request and returned as UnprocessedItems.
 */
function throttleAndLeaveUnprocessed(seed: number) {
  const random = seededRandom(seed);
  return (request: ProxiedRequest) => {
    const op = target(request);
    if (!op.endsWith(".BatchWriteItem") && !op.endsWith(".PutItem")) return undefined;
    const dice = random();
    if (dice < 0.2) return { respond: throttled() };
    if (!op.endsWith(".BatchWriteItem") || dice > 0.6) return undefined;
    const body = JSON.parse(request.body.toString("utf8")) as { RequestItems: Record<string, unknown[]> };
    const [table, writes] = Object.entries(body.RequestItems)[0]!;
    const held = writes.filter(() => random() < 0.4);
    const passed = writes.filter((w) => !held.includes(w));
    if (passed.length === 0) {
      return { respond: reply(200, { UnprocessedItems: { [table]: held } }) };
    }
    return {
      forward: Buffer.from(JSON.stringify({ ...body, RequestItems: { [table]: passed } })),
      rewrite: (response: ProxiedResponse): ProxiedResponse =>
        response.status === 200
          ? reply(200, { UnprocessedItems: held.length ? { [table]: held } : {} })
          : response,
    };
  };
}

interface Click {
  readonly user: string;
  readonly seq: number;
  readonly amount: number;
}

const clicks = (n: number): Click[] =>
  Array.from({ length: n }, (_, seq) => ({ user: `u${(seq * 7) % 97}`, seq, amount: seq % 13 }));

describe("dynamoDbSink against dynalite", () => {
  test("with throttling and unprocessed items injected, the table holds every record's latest item", async () => {
    const table = await newTable({ hash: "user", range: "bucket" });
    const records = clicks(2500);
    proxy.setPolicy(throttleAndLeaveUnprocessed(11));
    proxy.stats.faults = 0;
    const job = pipeline("dynamo-faults", {
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
        dynamoDbSink({
          tableName: table,
          client: clientConfig(),
          item: (c: Click) => ({ user: c.user, bucket: String(c.seq % 5), seq: c.seq, amount: c.amount }),
          maxInFlightRequests: 8,
          retry: { initialBackoffMS: 5, maxBackoffMS: 100, maxAttempts: 40 },
        }),
      );
    await job.run();
    expect(proxy.stats.faults).toBeGreaterThan(10);
    const expected = new Map<string, Record<string, unknown>>();
    for (const c of records) {
      const bucket = String(c.seq % 5);
      expected.set(`${c.user}/${bucket}`, { user: c.user, bucket, seq: c.seq, amount: c.amount });
    }
    expect(await scan(table)).toEqual(
      [...expected.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  test("several writes to one key in one batch are sent once, the latest (DynamoDB rejects duplicates)", async () => {
    const table = await newTable({ hash: "id" });
    const batches: number[] = [];
    proxy.setPolicy((request) => {
      if (target(request).endsWith(".BatchWriteItem")) {
        const body = JSON.parse(request.body.toString("utf8")) as { RequestItems: Record<string, unknown[]> };
        batches.push(Object.values(body.RequestItems)[0]!.length);
      }
      return undefined;
    });
    const sink = dynamoDbSink<{ id: string; v: number }>({
      tableName: table,
      client: clientConfig(),
      item: (r) => r,
    });
    await sink.open!(sinkContext());
    await sink.write(
      [
        { id: "a", v: 1 },
        { id: "b", v: 1 },
        { id: "a", v: 2 },
        { id: "a", v: 3 },
      ],
      [],
    );
    await sink.snapshot!(1);
    await sink.close!();
    expect(batches).toEqual([2]);
    expect(await scan(table)).toEqual([
      { id: "a", v: 3 },
      { id: "b", v: 1 },
    ]);
  });

  test("replay after a restore leaves the table equal to an uninterrupted run", async () => {
    const records = clicks(1500);
    const runJob = async (table: string, store: MemoryCheckpointStore | undefined, crashAfter?: number) => {
      const job = pipeline("dynamo-replay", {
        logger: silentLogger,
        stopOnSignals: false,
        ...(store ? { checkpoints: { store, every: 20 } } : {}),
      });
      let emitted = 0;
      // Replayable (a restored run skips what its checkpoint covers). Before record `crashAfter`
      // it waits until a checkpoint has completed, so the crash below always has one to restore
      // from, however busy the machine is.
      const input = {
        async *[Symbol.asyncIterator]() {
          for (let i = 0; i < records.length; i++) {
            if (i === crashAfter) {
              await eventually(() => job.metrics.checkpoints.completed > 0, {
                what: "a checkpoint before the crash",
                timeoutMs: 30_000,
              });
            }
            yield records[i]!;
          }
        },
      };
      job
        .source(fromAsyncIterable(input, { batchSize: 50 }))
        .map((c) => {
          // The worker is lost past `crashAfter` records.
          if (crashAfter !== undefined && ++emitted > crashAfter) throw new Error("worker lost");
          return c;
        })
        .keyBy((c) => c.user)
        .reduce((a, b) => ({ user: a.user, seq: b.seq, amount: a.amount + b.amount }), { name: "totals" })
        .sink(
          dynamoDbSink({
            tableName: table,
            client: clientConfig(),
            item: (t: Click) => ({ user: t.user, bucket: "total", lastSeq: t.seq, amount: t.amount }),
            maxTimeInBufferMS: 20,
          }),
          { name: "totals-table" },
        );
      return job.run();
    };
    const uninterrupted = await newTable({ hash: "user", range: "bucket" });
    await runJob(uninterrupted, undefined);

    const replayed = await newTable({ hash: "user", range: "bucket" });
    const store = new MemoryCheckpointStore();
    await expect(runJob(replayed, store, 900)).rejects.toThrow(/worker lost/);
    const beforeRestore = await scan(replayed);
    const checkpoints = await store.checkpoints("dynamo-replay");
    expect(checkpoints.length).toBeGreaterThan(0);
    proxy.setPolicy(throttleAndLeaveUnprocessed(5));
    const result = await runJob(replayed, store);
    expect(result.restoredFrom).toBe(checkpoints[0]!.checkpointId);
    const expected = await scan(uninterrupted);
    expect(beforeRestore).not.toEqual(expected);
    expect(await scan(replayed)).toEqual(expected);
  });

  test("only-if-newer: an older or replayed version never overwrites a newer item, and is not an error", async () => {
    const table = await newTable({ hash: "id" });
    proxy.setPolicy(throttleAndLeaveUnprocessed(3));
    const sink = dynamoDbSink<{ id: string; version: number; value: string }>({
      tableName: table,
      client: clientConfig(),
      item: (r) => r,
      conditionalWrite: { onlyIfNewer: "version" },
      retry: { initialBackoffMS: 5, maxBackoffMS: 50, maxAttempts: 40 },
    });
    // Backoffs run on the job's clock: here the wall clock.
    await sink.open!(sinkContext({ clock: systemClock }));
    const writes = [
      { id: "a", version: 3, value: "a3" },
      { id: "b", version: 1, value: "b1" },
      { id: "c", version: 5, value: "c5" },
    ];
    await sink.write(writes, []);
    await sink.snapshot!(1);
    await sink.write(
      [
        { id: "a", version: 2, value: "a2 (late, older)" },
        { id: "b", version: 2, value: "b2" },
        { id: "c", version: 5, value: "c5 (replayed)" },
      ],
      [],
    );
    await sink.snapshot!(2);
    await sink.close!();
    expect(await scan(table)).toEqual([
      { id: "a", version: 3, value: "a3" },
      { id: "b", version: 2, value: "b2" },
      { id: "c", version: 5, value: "c5" },
    ]);
  });

  test("deleteKey turns a record into a delete; an item without its key is refused with the reason", async () => {
    const table = await newTable({ hash: "id" });
    const refused: string[] = [];
    const sink = dynamoDbSink<{ id?: string; gone?: boolean }>({
      tableName: table,
      client: clientConfig(),
      item: (r) => ({ id: r.id, n: 1 }),
      deleteKey: (r) => (r.gone ? { id: r.id } : undefined),
      marshallOptions: { removeUndefinedValues: true },
      onInvalidRecord: (_, reason) => refused.push(reason),
    });
    await sink.open!(sinkContext());
    await sink.write([{ id: "x" }, { id: "y" }, {}], []);
    await sink.snapshot!(1);
    await sink.write([{ id: "x", gone: true }], []);
    await sink.finish!();
    await sink.close!();
    expect(refused).toEqual(["its item lacks one of the key attributes id"]);
    expect(await scan(table)).toEqual([{ id: "y", n: 1 }]);
  });

  test("a missing table fails when the sink opens, without retries", async () => {
    const sink = dynamoDbSink<{ id: string }>({
      tableName: "no-such-table",
      client: clientConfig(),
      item: (r) => r,
    });
    await expect(sink.open!(sinkContext())).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    await sink.close!();
  });
});
