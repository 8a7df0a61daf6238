import { mkdtemp, rm } from "node:fs/promises";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FirehoseClient, ListDeliveryStreamsCommand } from "@aws-sdk/client-firehose";
import { expect, test } from "vitest";
import { localClientConfig } from "./aws-config.ts";
import { freePort } from "./ports.ts";
import { LocalS3Objects } from "./s3-objects.ts";
import { startStack } from "./stack.ts";
import { readStackFile, writeStackFile } from "./stack-file.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const answers = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { port } = new URL(url);
    const socket = new Socket();
    socket.once("error", () => resolve(false));
    socket.connect(Number(port), "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
  });

test("the stack starts every stand-in on loopback, records the endpoints, and stops them all", async () => {
  const ports = {
    kinesis: await freePort(),
    dynamodb: await freePort(),
    s3: await freePort(),
    firehose: await freePort(),
    redis: await freePort(),
  };
  const stack = await startStack({ ports, bucket: "stack-test" });
  const dir = await mkdtemp(join(tmpdir(), "eddy-stack-"));
  try {
    const e = stack.endpoints;
    expect(e.dynamodb).toBe(`http://127.0.0.1:${ports.dynamodb}`);
    expect(e.redis).toBe(`redis://127.0.0.1:${ports.redis}`);
    expect(e.note).toMatch(/development only/);
    for (const url of [e.kinesis, e.dynamodb, e.s3, e.firehose, e.redis])
      expect(await answers(url)).toBe(true);
    const objects = new LocalS3Objects(e.s3);
    expect(await objects.keys("stack-test")).toEqual([]);
    objects.close();
    const firehose = new FirehoseClient(localClientConfig(e.firehose));
    expect((await firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual([]);
    firehose.destroy();
    const file = join(dir, "stack.json");
    await writeStackFile(e, file);
    expect(await readStackFile(file)).toEqual(e);
    expect(await readStackFile(join(dir, "missing.json"))).toBeUndefined();
  } finally {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
  for (const url of Object.values(ports).map((p) => `http://127.0.0.1:${p}`))
    expect(await answers(url)).toBe(false);
}, 60_000);

test("when one stand-in fails to start, the stack stops the others it started and says which failed", async () => {
  const ports = {
    kinesis: await freePort(),
    dynamodb: await freePort(),
    s3: await freePort(),
    firehose: await freePort(),
    redis: await freePort(),
  };
  // No redis-server on the PATH: only Redis fails (the other stand-ins run on this Node binary).
  const path = process.env.PATH;
  const empty = await mkdtemp(join(tmpdir(), "eddy-no-redis-"));
  process.env.PATH = empty;
  let failure: unknown;
  try {
    await startStack({ ports, bucket: "stack-test" });
  } catch (error) {
    failure = error;
  } finally {
    process.env.PATH = path;
    await rm(empty, { recursive: true, force: true });
  }
  expect(String(failure)).toMatch(/redis-server did not start/);
  // A stand-in still starting when Redis failed would come up a moment later: give it that moment.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  for (const port of [ports.kinesis, ports.dynamodb, ports.s3, ports.firehose])
    expect(await answers(`http://127.0.0.1:${port}`)).toBe(false);
}, 60_000);
