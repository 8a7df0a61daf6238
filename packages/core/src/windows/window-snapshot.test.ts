import { describe, expect, test } from "vitest";
import type { SerializedOperatorSnapshot } from "../checkpoint/serialized-snapshot.ts";
import { deserializeSnapshot, serializeSnapshot } from "../runtime/stage-runtime.ts";
import { KeyedHeap, type OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";
import { v8Serde } from "../state/serde.ts";
import {
  checkpointCases,
  checkpointInput,
  DELTA_AT,
  FULL_AT,
  openCase,
} from "./test-support/checkpoint-cases.ts";
import { readCheckpointFixture } from "./test-support/checkpoint-fixtures.ts";
import { decodeWindowGroup, decodeWindowGroups, WINDOW_SNAPSHOT_VERSION } from "./window-snapshot.ts";

/** The window operator's own, versioned checkpoint blobs (see `window-snapshot.ts`). */

const blobsOf = (snapshot: SerializedOperatorSnapshot) =>
  snapshot.keyGroups.map((g) => v8Serde.deserialize(g.blob) as Record<string, unknown>);

describe("window snapshots", () => {
  const steps = checkpointInput();

  test.each(checkpointCases.map((c) => [c.name, c] as const))(
    "%s: every key group's blob carries the format version inside, and nothing of the keyed heap's form",
    (_name, c) => {
      const run = openCase(c);
      run.run(steps, 0, FULL_AT);
      const serialized = serializeSnapshot(run.operator.snapshotState!(true), v8Serde);
      expect(serialized.keyGroups.length).toBeGreaterThan(0);
      for (const blob of blobsOf(serialized)) {
        expect(Object.keys(blob)).toEqual(["encoded"]);
        expect((blob.encoded as { version: number }).version).toBe(WINDOW_SNAPSHOT_VERSION);
      }
    },
  );

  test.each(checkpointCases.map((c) => [c.name, c] as const))(
    "%s: a chain of a version-1 full snapshot and a version-2 delta restores and continues as the uninterrupted run",
    (_name, c) => {
      const fixture = readCheckpointFixture(c.name, 1);
      // Restored from the old full snapshot, the operator runs to the delta and writes it in today's format.
      const first = openCase(c);
      first.restore(deserializeSnapshot(fixture.full, v8Serde), fixture.watermarkAtFull);
      first.run(steps, FULL_AT, DELTA_AT);
      const delta = serializeSnapshot(first.operator.snapshotState!(false), v8Serde);
      expect(delta.keyGroups.length).toBeGreaterThan(0);
      expect(delta.keyGroups.every((g) => g.mode === "delta")).toBe(true);

      const restored = openCase(c);
      const chain: SerializedOperatorSnapshot = {
        keyGroups: [...fixture.full.keyGroups, ...delta.keyGroups],
        operator: delta.operator,
      };
      restored.restore(deserializeSnapshot(chain, v8Serde), first.watermark);
      restored.run(steps, DELTA_AT, steps.length);
      expect(restored.take()).toEqual(fixture.afterDelta);
    },
  );

  test("a blob of a version this code does not know is refused, naming the group and the versions it reads", () => {
    const future: OpaqueKeyGroupSnapshot = { group: 3, mode: "full", encoded: { version: 9, rows: [] } };
    expect(() => decodeWindowGroup(future)).toThrow(
      new TypeError(
        `window state of key group 3 was written in format version 9; this version of Eddy reads versions 1 to ${WINDOW_SNAPSHOT_VERSION}`,
      ),
    );
  });

  test("state another kind of operator wrote is refused rather than read as windows", () => {
    const foreign: OpaqueKeyGroupSnapshot = { group: 5, mode: "full", encoded: new Float64Array(4) };
    expect(() => decodeWindowGroups([foreign])).toThrow(
      /key group 5 holds state another kind of operator wrote/,
    );
    const broken = { group: 6, mode: "full", entries: "not a list" } as unknown as OpaqueKeyGroupSnapshot;
    expect(() => decodeWindowGroups([broken])).toThrow(
      /key group 6 holds state another kind of operator wrote/,
    );
  });

  test("the keyed heap refuses a window operator's blob, old or new, rather than restoring it as empty", () => {
    const [c] = checkpointCases;
    const fixture = readCheckpointFixture(c!.name, 1);
    const run = openCase(c!);
    run.run(steps, 0, FULL_AT);
    const today = serializeSnapshot(run.operator.snapshotState!(true), v8Serde);
    for (const written of [fixture.full, today]) {
      const heap = new KeyedHeap<string, unknown>(8);
      expect(() => heap.restore(deserializeSnapshot(written, v8Serde).keyGroups!, (data) => data)).toThrow(
        /holds state in another operator's own form/,
      );
    }
  });
});
