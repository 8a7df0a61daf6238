import { describe, expect, test } from "vitest";
import { checkpointToPosition, positionToCheckpoint } from "./published-state.ts";

describe("lease checkpoints", () => {
  test("a position without watermarks is its JSON alone, as before watermarks were kept", () => {
    expect(positionToCheckpoint({ sequenceNumber: "4959" })).toBe('{"sequenceNumber":"4959"}');
    expect(checkpointToPosition("s", '{"sequenceNumber":"4959"}')).toEqual({
      position: { sequenceNumber: "4959" },
    });
    expect(checkpointToPosition("s", "17")).toEqual({ position: 17 });
  });

  test("a position with its split's watermarks reads back whole", () => {
    const checkpoint = positionToCheckpoint(
      { inner: 3, numbered: 40 },
      { "assign#1": 5_000, "assign#2": null },
    );
    expect(checkpointToPosition("s", checkpoint)).toEqual({
      position: { inner: 3, numbered: 40 },
      watermarks: { "assign#1": 5_000, "assign#2": null },
    });
  });

  test("a position that only looks like the wrapper is taken as a position", () => {
    const position = { position: 1, splitWatermarks: "x" };
    expect(checkpointToPosition("s", JSON.stringify(position))).toEqual({ position });
  });

  test("a checkpoint that is not JSON is refused naming the lease", () => {
    expect(() => checkpointToPosition("shard-7", "SHARD_END")).toThrow(/lease "shard-7"/);
  });
});
