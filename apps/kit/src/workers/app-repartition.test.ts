import { KinesisClient } from "@aws-sdk/client-kinesis";
import { PipelineDefinitionError } from "@eddy/core";
import { describe, expect, test } from "vitest";
import { appRepartition } from "./app-repartition.ts";

// The SDK warns on Node 20 at every client; one test builds one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const redis = { kind: "redis", url: "redis://127.0.0.1:1" } as const;
const signal = new AbortController().signal;

describe("appRepartition refuses, in one line and only when the job repartitions, what cannot work", () => {
  test("embedded mode: no Kinesis, so it says to use --mode local", async () => {
    const { repartition } = appRepartition({
      job: "clicks",
      leases: redis,
      kinesis: undefined,
      createResources: false,
    });
    const refusal = repartition.channel.prepare("clicks-per-page-repartition", signal);
    await expect(refusal).rejects.toBeInstanceOf(PipelineDefinitionError);
    await expect(refusal).rejects.toThrow(
      /^this job repartitions its records .* through the stream "clicks-per-page-repartition", but embedded mode has no Kinesis .* --mode local/,
    );
    // Also with leases held by the supervisor: Redis alone would not help.
    const supervised = appRepartition({
      job: "clicks",
      leases: { kind: "supervisor" },
      kinesis: undefined,
      createResources: false,
    });
    await expect(
      supervised.repartition.channel.prepare("clicks-per-page-repartition", signal),
    ).rejects.toThrow(/embedded mode has no Kinesis/);
    // Described (job.describe() lists the stages), the channel refuses nothing.
    expect(repartition.channel.reader("clicks-per-page-repartition").bounded).toBe(false);
  });

  test("leases held by the supervisor: each stage's table is the supervisor's, over IPC, and the channel refuses nothing", async () => {
    const client = new KinesisClient({ region: "us-east-1", endpoint: "http://127.0.0.1:1" });
    try {
      const { repartition, close } = appRepartition({
        job: "clicks",
        leases: { kind: "supervisor" },
        kinesis: client,
        createResources: true,
      });
      // The Kinesis channel itself, not a refusal asking for Redis.
      expect(repartition.channel.description).toBe("Kinesis");
      // Over this test process's own IPC channel (vitest forks it); opened and closed, never called.
      expect(repartition.stageLeases(1).description).toBe(
        "the supervisor's lease table of stage 1 (--workers)",
      );
      await close();
    } finally {
      client.destroy();
    }
  });

  test("stage leases are the job's Redis table of each stage, one per repartition, closed with it", async () => {
    const { repartition, close } = appRepartition({
      job: "clicks",
      leases: redis,
      kinesis: undefined,
      createResources: false,
    });
    expect(repartition.stageLeases(1).description).toContain("clicks/stage-1");
    expect(repartition.stageLeases(2).description).toContain("clicks/stage-2");
    await close();
  });
});
