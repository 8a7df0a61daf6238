import { Writable } from "node:stream";
import { fromIterable, pipeline } from "@eddy/core";
import { afterEach, describe, expect, test } from "vitest";
import { LOG_LEVEL_ENV, pinoLogger } from "./pino-logger.ts";

/** A destination that keeps every JSON line pino writes. */
function lines(): Writable & { parsed: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, {
    parsed: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  });
}

const saved = process.env[LOG_LEVEL_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[LOG_LEVEL_ENV];
  else process.env[LOG_LEVEL_ENV] = saved;
});

describe("pinoLogger", () => {
  test("a job's lines carry the job, and a failing operator its name", async () => {
    const out = lines();
    const logger = pinoLogger({ destination: out, level: "info", bindings: { app: "demo" } });
    const job = pipeline("fragile", { logger, stopOnSignals: false });
    job
      .source(fromIterable([1, 2, 3]))
      .map(
        (n) => {
          if (n === 3) throw new Error("three is too many");
          return n;
        },
        { name: "picky" },
      )
      .sink({ name: "none", write() {} });
    await expect(job.run()).rejects.toThrow(/three is too many/);
    expect(out.parsed()).toEqual([
      expect.objectContaining({
        level: 50,
        app: "demo",
        job: "fragile",
        operator: "picky",
        msg: expect.stringMatching(/^job "fragile" failed: picky: .*three is too many/),
      }),
    ]);
  });

  test("children add context; the level comes from EDDY_LOG_LEVEL when not given", () => {
    process.env[LOG_LEVEL_ENV] = "WARN";
    const out = lines();
    const logger = pinoLogger({ destination: out }).child({ operator: "stats" });
    logger.info("not written");
    logger.debug("not written either");
    logger.warn("behind", { lagMs: 1200 });
    expect(out.parsed()).toEqual([
      expect.objectContaining({ level: 40, operator: "stats", lagMs: 1200, msg: "behind" }),
    ]);

    process.env[LOG_LEVEL_ENV] = "debug";
    const verbose = lines();
    pinoLogger({ destination: verbose }).debug("now written");
    expect(verbose.parsed()).toEqual([expect.objectContaining({ level: 20, msg: "now written" })]);
  });

  test("an unknown level is refused with the levels that exist", () => {
    process.env[LOG_LEVEL_ENV] = "verbose";
    expect(() => pinoLogger()).toThrow(
      'EDDY_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent; got "verbose"',
    );
    delete process.env[LOG_LEVEL_ENV];
    // @ts-expect-error: not a level
    expect(() => pinoLogger({ level: "loud" })).toThrow(/level must be one of .*; got "loud"/);
  });

  test("wraps a pino logger the application already has", () => {
    const out = lines();
    const app = pinoLogger({ destination: out }).pino;
    pinoLogger({ pino: app, bindings: { job: "wrapped" }, level: "error" }).error("broken");
    expect(out.parsed()).toEqual([expect.objectContaining({ job: "wrapped", msg: "broken" })]);
  });
});
