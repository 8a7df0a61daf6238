import { eventually } from "@eddy/core/testing";
import { afterEach, describe, expect, test } from "vitest";
import { type MetricsServer, serveMetrics } from "../serve-metrics.ts";
import { startWindowedJob, T0, type WindowedJob } from "../test-support/windowed-job.ts";

let fixture: WindowedJob | undefined;
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  await fixture?.job.stop();
  await fixture?.running;
  server = undefined;
  fixture = undefined;
});

const TOKEN = "test-token-0123456789abcdef";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function served(name: string, control?: { token: string }): Promise<{ w: WindowedJob; url: string }> {
  const w = startWindowedJob(name);
  fixture = w;
  server = await serveMetrics(w.job, { port: 0, processMetrics: false, ...(control ? { control } : {}) });
  return { w, url: server.url };
}

describe("health probes", () => {
  test("/healthz and /readyz answer 200 while the job runs, /readyz 503 once it stopped", async () => {
    const { w, url } = await served("probed");
    await eventually(() => w.job.metrics.status === "running", { what: "the job to run" });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ job: "probed", status: "running", ok: true });
    await w.job.stop();
    await w.running;
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe("control endpoints", () => {
  test("are off by default: POST /savepoints and /stop are not there", async () => {
    const { url } = await served("no-control");
    expect((await fetch(`${url}/savepoints`, { method: "POST", headers: bearer(TOKEN) })).status).toBe(404);
    expect((await fetch(`${url}/stop`, { method: "POST", headers: bearer(TOKEN) })).status).toBe(404);
  });

  test("refuse a request without the token or with a wrong one, and change nothing", async () => {
    const { w, url } = await served("guarded", { token: TOKEN });
    await eventually(() => w.job.metrics.status === "running", { what: "the job to run" });
    for (const headers of [{}, bearer("wrong-token-0123456789"), { authorization: TOKEN }]) {
      const response = await fetch(`${url}/stop`, { method: "POST", headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="eddy"');
    }
    expect((await fetch(`${url}/savepoints`, { method: "POST" })).status).toBe(401);
    expect(w.job.metrics.status).toBe("running");
    expect(w.job.metrics.checkpoints.completed).toBe(0);
  });

  test("with the token: a named savepoint is taken and reported; a bad body is a 400; stop stops the job", async () => {
    const { w, url } = await served("controlled", { token: TOKEN });
    w.source.push([T0 + 100]);
    await eventually(() => w.job.metrics.forOperator("wm").recordsIn === 1, { what: "one record" });
    const taken = await fetch(`${url}/savepoints`, {
      method: "POST",
      headers: { ...bearer(TOKEN), "content-type": "application/json" },
      body: JSON.stringify({ name: "before-upgrade" }),
    });
    expect(taken.status).toBe(200);
    expect(await taken.json()).toMatchObject({ name: "before-upgrade" });
    expect(w.job.metrics.checkpoints.completed).toBe(1);

    const bad = await fetch(`${url}/savepoints`, { method: "POST", headers: bearer(TOKEN), body: "{nope" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/the body must be JSON/);

    expect((await fetch(`${url}/stop`, { headers: bearer(TOKEN) })).status).toBe(405);
    const stopping = await fetch(`${url}/stop`, { method: "POST", headers: bearer(TOKEN) });
    expect(stopping.status).toBe(202);
    expect((await w.running).outcome).toBe("stopped");
  });

  test("need a token of 16 characters or more, on loopback and beyond: no server starts without one", async () => {
    const w = startWindowedJob("tokenless");
    fixture = w;
    for (const host of ["127.0.0.1", "0.0.0.0"]) {
      await expect(serveMetrics(w.job, { port: 0, host, control: { token: "" } })).rejects.toThrow(
        /control endpoints need a bearer token of at least 16 characters/,
      );
      await expect(serveMetrics(w.job, { port: 0, host, control: { token: "short" } })).rejects.toThrow(
        /at least 16 characters/,
      );
    }
  });
});
