import { describe, expect, test } from "vitest";
import { RecordNumbering } from "./record-numbering.ts";

describe("the record ids of a stage with several repartition writers", () => {
  test("each writer numbers a split on its own, and the position keeps every writer's count and watermark", () => {
    const numbering = new RecordNumbering();
    const perPage = numbering.writer("per-page");
    const perIp = numbering.writer("per-ip");
    expect(numbering.writer("per-page")).toBe(perPage);
    numbering.reset();
    numbering.start("a");
    numbering.opened();
    const position = numbering.position("a", 7);
    // A batch of 3 records: the per-page branch drops one (a filter), the per-ip one hands all on.
    expect([perPage.next("a"), perPage.next("a")]).toEqual([1, 2]);
    expect([perIp.next("a"), perIp.next("a"), perIp.next("a")]).toEqual([1, 2, 3]);
    perIp.keepWatermark(["a"], 1_000);
    expect(position).toEqual({
      inner: 7,
      numbered: { "per-page": 2, "per-ip": 3 },
      watermark: { "per-ip": 1_000 },
    });

    // A replay from there (this worker or the split's next owner) continues each count on its own.
    const replay = new RecordNumbering();
    const replayPerPage = replay.writer("per-page");
    const replayPerIp = replay.writer("per-ip");
    replay.reset();
    expect(replay.restore("a", structuredClone(position))).toBe(7);
    replay.opened();
    expect(replayPerPage.next("a")).toBe(3);
    expect(replayPerIp.next("a")).toBe(4);
    expect(replayPerPage.floor()).toBe(Number.NEGATIVE_INFINITY);
    expect(replayPerIp.floor()).toBe(1_000);
  });

  test("a position of a job with one repartition (one count) restores into one writer, and is refused by two", () => {
    const single = { inner: 5, numbered: 12, watermark: 3_000 };
    const numbering = new RecordNumbering();
    const perPage = numbering.writer("per-page");
    numbering.reset();
    expect(numbering.restore("a", single)).toBe(5);
    numbering.opened();
    expect(perPage.next("a")).toBe(13);
    expect(perPage.floor()).toBe(3_000);
    // Written back in the form of a count per writer.
    expect(numbering.position("a", 6)).toEqual({
      inner: 6,
      numbered: { "per-page": 13 },
      watermark: { "per-page": 3_000 },
    });

    const two = new RecordNumbering();
    two.writer("per-page");
    two.writer("per-ip");
    two.reset();
    expect(() => two.restore("a", single)).toThrow(
      'split "a": its position holds the record count of one repartition ({"inner":5,"numbered":12,"watermark":3000}), but this stage writes 2 (per-page, per-ip): a job cannot restore into more repartitions than it was checkpointed with',
    );
    expect(() => two.restore("a", { inner: 5 })).toThrow(
      /its position was not written by a repartitioning job/,
    );
  });

  test("a writer the checkpoint does not know numbers the split from the start", () => {
    const numbering = new RecordNumbering();
    const perPage = numbering.writer("per-page");
    const perIp = numbering.writer("per-ip");
    numbering.reset();
    numbering.restore("a", { inner: 1, numbered: { "per-page": 4 } });
    numbering.opened();
    expect(perPage.next("a")).toBe(5);
    expect(perIp.next("a")).toBe(1);
  });
});
