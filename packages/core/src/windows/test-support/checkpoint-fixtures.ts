import { readFileSync, writeFileSync } from "node:fs";
import { deserialize, serialize } from "node:v8";
import type { SerializedOperatorSnapshot } from "../../checkpoint/serialized-snapshot.ts";
import { serializeSnapshot } from "../../runtime/stage-runtime.ts";
import { v8Serde } from "../../state/serde.ts";
import {
  type CheckpointCase,
  checkpointCases,
  checkpointInput,
  DELTA_AT,
  FULL_AT,
  type Observed,
  openCase,
} from "./checkpoint-cases.ts";

/**
 * Checkpoints of the window operator in the format of checkpoint version 1 (the one main wrote
 * before the operator was rebuilt from parts), kept as files so that later versions prove they
 * still restore them. Each file holds, for one case of `checkpoint-cases.ts`, the serialized
 * snapshots taken at steps `FULL_AT` (full) and `DELTA_AT` (incremental) and what the
 * uninterrupted run emitted after each of those steps.
 */
export interface CheckpointFixture {
  readonly full: SerializedOperatorSnapshot;
  readonly delta: SerializedOperatorSnapshot;
  readonly watermarkAtFull: number;
  readonly watermarkAtDelta: number;
  readonly afterFull: Observed;
  readonly afterDelta: Observed;
}

/** The file as stored: readable metadata around the v8-serialized fixture. */
interface FixtureFile {
  readonly description: string;
  readonly case: string;
  readonly fullAt: number;
  readonly deltaAt: number;
  readonly fixture: string;
}

export const fixtureUrl = (name: string, version: number): URL =>
  new URL(`../fixtures/window-checkpoint-v${version}-${name}.json`, import.meta.url);

export function readCheckpointFixture(name: string, version: number): CheckpointFixture {
  const file = JSON.parse(readFileSync(fixtureUrl(name, version), "utf8")) as FixtureFile;
  if (file.fullAt !== FULL_AT || file.deltaAt !== DELTA_AT) {
    throw new Error(
      `fixture ${name} was taken at steps ${file.fullAt}/${file.deltaAt}, not ${FULL_AT}/${DELTA_AT}`,
    );
  }
  return deserialize(Buffer.from(file.fixture, "base64")) as CheckpointFixture;
}

/** Runs `c` uninterrupted, taking the snapshots the fixture holds. */
export function recordCheckpointFixture(c: CheckpointCase): CheckpointFixture {
  const steps = checkpointInput();
  const run = openCase(c);
  run.run(steps, 0, FULL_AT);
  const full = serializeSnapshot(run.operator.snapshotState!(true), v8Serde);
  const watermarkAtFull = run.watermark;
  run.take();
  run.run(steps, FULL_AT, DELTA_AT);
  const delta = serializeSnapshot(run.operator.snapshotState!(false), v8Serde);
  const watermarkAtDelta = run.watermark;
  const betweenSnapshots = run.take();
  run.run(steps, DELTA_AT, steps.length);
  const afterDelta = run.take();
  const afterFull: Observed = {
    emitted: [...betweenSnapshots.emitted, ...afterDelta.emitted],
    late: [...betweenSnapshots.late, ...afterDelta.late],
    lateDropped: betweenSnapshots.lateDropped + afterDelta.lateDropped,
  };
  return { full, delta, watermarkAtFull, watermarkAtDelta, afterFull, afterDelta };
}

/** Writes every case's fixture for checkpoint `version`: `tsx checkpoint-fixtures.ts <version>`. */
function writeCheckpointFixtures(version: number): void {
  for (const c of checkpointCases) {
    const file: FixtureFile = {
      description: `window operator checkpoint, format v${version}: snapshots at steps fullAt and deltaAt of checkpointInput() and the uninterrupted run's output after each (v8-serialized, base64)`,
      case: c.name,
      fullAt: FULL_AT,
      deltaAt: DELTA_AT,
      fixture: Buffer.from(serialize(recordCheckpointFixture(c))).toString("base64"),
    };
    writeFileSync(fixtureUrl(c.name, version), `${JSON.stringify(file, null, 2)}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) writeCheckpointFixtures(Number(process.argv[2]));
