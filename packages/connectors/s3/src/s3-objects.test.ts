import { RetriesExhaustedError, VirtualClock } from "@eddy/core";
import { describe, expect, test } from "vitest";
import { S3Objects } from "./s3-objects.ts";
import { s3Error, scriptedS3 } from "./test-support/scripted-s3.ts";

async function onClock<T>(clock: VirtualClock, promise: Promise<T>): Promise<T> {
  let done = false;
  const settled = promise.finally(() => {
    done = true;
  });
  settled.catch(() => {});
  for (let i = 0; !done && i < 10_000; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advanceTo(clock.now() + 10);
  }
  return settled;
}

const retry = { maxAttempts: 3, initialBackoffMS: 50, maxBackoffMS: 200 };

describe("S3Objects over a scripted S3", () => {
  test("SlowDown and 503 are retried with backoff on the job's clock until the call succeeds", async () => {
    const clock = new VirtualClock();
    const { proxy, objects, calls } = scriptedS3({
      fail: (call, n) => (call === "put" && n < 3 ? s3Error("SlowDown", 503) : undefined),
    });
    const s3 = new S3Objects("b", proxy, retry, clock);
    await onClock(clock, s3.put("k", Buffer.from("x")));
    expect(calls).toEqual(["put", "put", "put"]);
    expect(objects.get("k")?.toString()).toBe("x");
    expect(clock.now()).toBeLessThanOrEqual(50 + 100 + 10);
  });

  test("when attempts run out, the error names the call and the bucket; a refused call is not retried", async () => {
    const clock = new VirtualClock();
    const { proxy, calls } = scriptedS3({
      fail: (call) =>
        call === "put"
          ? s3Error("InternalError", 500)
          : call === "delete"
            ? s3Error("AccessDenied", 403)
            : undefined,
    });
    const s3 = new S3Objects("b", proxy, retry, clock);
    const put = onClock(clock, s3.put("k", Buffer.from("x")));
    await expect(put).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(put).rejects.toThrow(
      /^PutObject k \(s3:\/\/b\) failed 3 times in a row, the last time with InternalError/,
    );
    await expect(s3.delete("k")).rejects.toThrow(/AccessDenied/);
    expect(calls.filter((c) => c === "delete")).toHaveLength(1);
  });

  test("the commit's idempotent forms: a copy of a missing object is false, a completed upload counts as done", async () => {
    const clock = new VirtualClock();
    const { proxy, objects } = scriptedS3({
      fail: (call) => (call === "complete" ? s3Error("NoSuchUpload", 404) : undefined),
    });
    const s3 = new S3Objects("b", proxy, retry, clock);
    expect(await s3.copy("missing", "to")).toBe(false);
    expect(await s3.exists("to")).toBe(false);
    objects.set("done-before", Buffer.from("x"));
    await s3.completeMultipart("done-before", "upload-1", []);
    await expect(s3.completeMultipart("never", "upload-1", [])).rejects.toThrow(/NoSuchUpload/);
    expect(await s3.abortMultipart("k", "upload-1")).toBe(true);
    objects.set("p/a", Buffer.from("line\n"));
    expect(await s3.listAll("p/")).toEqual(["p/a"]);
    expect(await s3.readText("p/a")).toBe("line\n");
  });
});
