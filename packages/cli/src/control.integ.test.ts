import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectSink, generatorSource, type JobResult, pipeline, silentLogger } from "@eddy/core";
import { eventually, uniqueName } from "@eddy/core/testing";
import { type MetricsServer, serveMetrics } from "@eddy/observability";
import { fileCheckpoints } from "@eddy/state";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eddy } from "./test-support/captured.ts";
import { eddyProcess } from "./test-support/eddy-process.ts";

// A test token, made up here; a real one comes from a secret store.
const TOKEN = `cli-test-${"0123456789abcdef".repeat(2)}`;

let directory: string;
let tokenFile: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "eddy-cli-control-"));
  tokenFile = join(directory, "token");
  await writeFile(tokenFile, `${TOKEN}\n`);
  await chmod(tokenFile, 0o600);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A running job (an endless generator into a collector) served with control endpoints. */
async function runningJob() {
  const name = uniqueName("cli-control");
  const store = join(directory, name);
  const job = pipeline(name, {
    logger: silentLogger,
    stopOnSignals: false,
    checkpoints: { every: 3_600_000, store: fileCheckpoints(store, { fsync: false }) },
  });
  const out = collectSink<number>();
  job.source(generatorSource({ generate: (i) => i, ratePerSecond: 200 })).sink(out.sink);
  const running: Promise<JobResult> = job.run();
  const server: MetricsServer = await serveMetrics(job, {
    port: 0,
    processMetrics: false,
    control: { token: TOKEN },
  });
  await eventually(() => job.metrics.status === "running" && out.values().length > 0, {
    what: "the job to run",
  });
  return { name, store, job, out, running, server };
}

describe("eddy against a running job's HTTP port", () => {
  test("status, then a named savepoint, then stop with a final savepoint (a real process)", async () => {
    const { name, store, running, server } = await runningJob();
    try {
      const status = await eddy(["status", "--url", server.url, "--json"]);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.out)).toMatchObject({
        job: name,
        status: "running",
        alive: true,
        ready: true,
      });

      const taken = await eddy(["savepoint", "nightly", "--url", server.url, "--token-file", tokenFile]);
      expect(taken).toEqual({
        code: 0,
        out: expect.stringMatching(/^savepoint "nightly" stored \(checkpoint \d+\)\n$/),
        err: "",
      });
      const listed = await eddy(["savepoints", "list", name, "--store", store, "--json"]);
      expect((JSON.parse(listed.out) as { savepointName: string }[]).map((s) => s.savepointName)).toEqual([
        "nightly",
      ]);

      const stopped = await eddyProcess(["stop", "--url", server.url], { EDDY_CONTROL_TOKEN: TOKEN });
      expect(stopped).toEqual({
        code: 0,
        out: `job "${name}" is stopping after a final savepoint\n`,
        err: "",
      });
      await running;
      const after = await eddy(["savepoints", "list", name, "--store", store, "--json"]);
      expect((JSON.parse(after.out) as unknown[]).length).toBe(2);
      const human = await eddy(["status", "--url", server.url]);
      expect(human.out).toMatch(/^status {7}stopped \(alive: yes, ready: no\)$/m);
    } finally {
      await server.close();
    }
  }, 120_000);

  test("a wrong token is refused without printing it; no token is a usage error; control off is said so", async () => {
    const { job, running, server } = await runningJob();
    try {
      const wrong = "wrong-token-0123456789abcdef";
      const refused = await eddy(["savepoint", "--url", server.url], { EDDY_CONTROL_TOKEN: wrong });
      expect(refused).toEqual({
        code: 1,
        out: "",
        err: `eddy: savepoint: the job at ${server.url} refused the control token (401): check --token-file or EDDY_CONTROL_TOKEN\n`,
      });
      expect(job.metrics.checkpoints.completed).toBe(0);
      const none = await eddy(["stop", "--url", server.url]);
      expect(none).toEqual({
        code: 2,
        out: "",
        err: "eddy: this command needs the job's control token: --token-file <path> or the EDDY_CONTROL_TOKEN environment variable\n",
      });
      const missingFile = await eddy([
        "stop",
        "--url",
        server.url,
        "--token-file",
        join(directory, "absent"),
      ]);
      expect(missingFile).toMatchObject({
        code: 2,
        err: `eddy: --token-file ${join(directory, "absent")} cannot be read (ENOENT)\n`,
      });
      expect(job.metrics.status).toBe("running");

      const plain = await serveMetrics(job, { port: 0, processMetrics: false });
      try {
        const off = await eddy(["stop", "--url", plain.url, "--token-file", tokenFile]);
        expect(off.err).toBe(
          `eddy: stop: the job at ${plain.url} has no control endpoints (404): serveMetrics runs without control: { token }\n`,
        );
      } finally {
        await plain.close();
      }
      const badUrl = await eddy(["status", "--url", "ftp://example"]);
      expect(badUrl).toMatchObject({
        code: 2,
        err: "eddy: --url ftp://example is not an http:// or https:// URL such as http://127.0.0.1:9249\n",
      });
    } finally {
      await job.stop();
      await running;
      await server.close();
    }
  });
});
