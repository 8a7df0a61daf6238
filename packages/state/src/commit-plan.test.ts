import type { BlobRef } from "@eddy/core";
import { CheckpointBuilder } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { planCommit } from "./commit-plan.ts";

const blobKey = (ref: BlobRef) => `redis:${ref.key}`;
const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;

describe("planCommit", () => {
  test("drops checkpoints past `retain` and frees only blobs no kept chain references", () => {
    const builder = new CheckpointBuilder("j");
    const one = builder.next(1, ALL_FULL).manifest;
    const two = builder.next(2, { 1: "full" }).manifest;
    const three = builder.next(3, { 1: "delta" }).manifest;
    const plan = planCommit({
      manifest: three,
      retain: 2,
      existing: [two, one],
      pending: new Map(),
      blobKey,
    });
    expect(plan.dropIds).toEqual([1]);
    expect(plan.garbage.sort()).toEqual(["redis:j/1/op/kg1", "redis:j/1/op/op", "redis:j/1/sink/sink#3"]);
    expect(plan.referenced).toContain("redis:j/1/op/kg0");
    expect(plan.pins).toEqual({ reset: false, keys: [] });
  });

  test("supersedes stored ids ≥ the one published, keeping blobs the new one shares", () => {
    const first = new CheckpointBuilder("j");
    const one = first.next(1, ALL_FULL).manifest;
    const two = first.next(2, { 0: "delta" }).manifest;
    const three = first.next(3, { 0: "delta" }).manifest;
    const again = new CheckpointBuilder("j");
    again.next(1, ALL_FULL);
    const newTwo = again.next(2, { 1: "delta" }, { salt: "again" }).manifest;
    const plan = planCommit({
      manifest: newTwo,
      retain: 5,
      existing: [three, two, one],
      pending: new Map(),
      blobKey,
    });
    expect(plan.dropIds).toEqual([3]);
    expect(plan.garbage).toContain("redis:j/3/op/kg0");
    expect(plan.garbage).toContain("redis:j/2/op/kg0");
    expect(plan.garbage).not.toContain("redis:j/1/op/kg0");
  });

  test("sweeps every pending checkpoint's blobs except those the published one references", () => {
    const builder = new CheckpointBuilder("j");
    const one = builder.next(1, ALL_FULL).manifest;
    const pending = new Map([
      [2, ["redis:j/2/op/kg0", "redis:j/2/op/op"]],
      [9, ["redis:j/9/op/kg3"]],
    ]);
    const two = builder.next(2, { 1: "full" }).manifest;
    const plan = planCommit({ manifest: two, retain: 3, existing: [one], pending, blobKey });
    expect(plan.sweptPending).toEqual([2, 9]);
    expect(plan.garbage.sort()).toEqual(["redis:j/2/op/kg0", "redis:j/9/op/kg3"]);
  });

  test("pins a savepoint's blobs, and rebuilds the pins when one replaces another of its name", () => {
    const builder = new CheckpointBuilder("j");
    const old = builder.next(1, { 0: "full" }, { kind: "savepoint", name: "s" }).manifest;
    const other = builder.next(2, { 0: "full" }, { kind: "savepoint", name: "t" }).manifest;
    const added = planCommit({ manifest: other, retain: 1, existing: [old], pending: new Map(), blobKey });
    expect(added.pins).toEqual({ reset: false, keys: added.referenced });
    // Retention drops savepoint 1 from the list; its blobs are garbage unless pinned (the script checks).
    expect(added.garbage).toContain("redis:j/1/op/kg0");

    const replacement = builder.next(3, { 0: "full" }, { kind: "savepoint", name: "s" }).manifest;
    const replaced = planCommit({
      manifest: replacement,
      retain: 1,
      existing: [other],
      replacedSavepoint: old,
      otherSavepoints: [other],
      pending: new Map(),
      blobKey,
    });
    expect(replaced.pins.reset).toBe(true);
    expect(replaced.pins.keys.sort()).toEqual([...replaced.referenced, ...added.referenced].sort());
    expect(replaced.garbage).toContain("redis:j/1/op/kg0");
  });
});
