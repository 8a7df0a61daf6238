import { describe, expect, test } from "vitest";
import type { SerializedOperatorSnapshot } from "../checkpoint/serialized-snapshot.ts";
import { deserializeSnapshot } from "../runtime/stage-runtime.ts";
import { v8Serde } from "../state/serde.ts";
import {
  checkpointCases,
  checkpointInput,
  DELTA_AT,
  FULL_AT,
  openCase,
} from "./test-support/checkpoint-cases.ts";
import { readCheckpointFixture, recordCheckpointFixture } from "./test-support/checkpoint-fixtures.ts";

/**
 * Checkpoints written by earlier versions of the window operator still restore: for every path
 * through the operator, the fixture's snapshots (a full one, then a full one followed by an
 * incremental one, as a restore replays a chain) restore, and the restored operator continues
 * exactly as the uninterrupted run did, both as that version recorded it and as this one runs it.
 */

/** A chain of snapshots as the runtime hands it to an operator: each group's blobs oldest first. */
const chain = (...snapshots: SerializedOperatorSnapshot[]): SerializedOperatorSnapshot => ({
  keyGroups: snapshots.flatMap((s) => s.keyGroups),
  operator: snapshots.at(-1)!.operator,
});

describe.each([1])("window checkpoints of format v%i", (version) => {
  const steps = checkpointInput();

  test.each(checkpointCases.map((c) => [c.name, c] as const))("%s restores and continues", (_name, c) => {
    const fixture = readCheckpointFixture(c.name, version);
    const now = recordCheckpointFixture(c);
    // Today's uninterrupted run is the one the fixture's version recorded.
    expect(now.afterFull).toEqual(fixture.afterFull);
    expect(now.afterDelta).toEqual(fixture.afterDelta);
    expect(fixture.afterDelta.emitted.length).toBeGreaterThan(0);

    const fromFull = openCaseRestored(c, chain(fixture.full), fixture.watermarkAtFull);
    fromFull.run(steps, FULL_AT, steps.length);
    expect(fromFull.take()).toEqual(fixture.afterFull);

    const fromDelta = openCaseRestored(c, chain(fixture.full, fixture.delta), fixture.watermarkAtDelta);
    fromDelta.run(steps, DELTA_AT, steps.length);
    expect(fromDelta.take()).toEqual(fixture.afterDelta);
  });
});

function openCaseRestored(
  c: (typeof checkpointCases)[number],
  snapshot: SerializedOperatorSnapshot,
  watermark: number,
) {
  const run = openCase(c);
  run.restore(deserializeSnapshot(snapshot, v8Serde), watermark);
  return run;
}
