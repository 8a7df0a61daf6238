import type { SerializedKeyGroup, SerializedOperatorSnapshot } from "../checkpoint/serialized-snapshot.ts";
import type { KeyGroupSnapshot, OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";
import type { Serde } from "../state/serde.ts";
import type { Clock } from "../time/clock.ts";
import type { DeadLetterOutput } from "./dead-letters.ts";
import type { JobMetrics } from "./metrics.ts";
import type { OperatorSnapshot } from "./operator.ts";
import type { SplitWatermarks } from "./split-watermarks.ts";

// The serialized forms are the checkpoint's contract; re-exported for the runtime's callers.
export type { SerializedKeyGroup, SerializedOperatorSnapshot };

/** Services the runtime lends to every stage of a running graph. */
export interface StageRuntime {
  readonly clock: Clock;
  readonly keyGroups: number;
  readonly metrics: JobMetrics;
  readonly serde: Serde<unknown>;
  /** On one of several workers, the key groups whose state this worker owns; `undefined`: all. */
  readonly ownedKeyGroups?: ReadonlySet<number> | undefined;
  /** Source splits' watermarks as watermark assigners track them; a checkpoint keeps them. */
  readonly splitWatermarks?: SplitWatermarks | undefined;
  /** Where an operator's dead letters go (the job's dead-letter sink, or the log). */
  deadLetters?(operatorId: string): DeadLetterOutput;
  /** State to restore an operator from (oldest snapshot first per key group), if any. */
  restoredState(operatorId: string): OperatorSnapshot | undefined;
  /** An operator's state at a barrier, serialized; called as the barrier passes. */
  acknowledgeOperator(operatorId: string, checkpointId: number, snapshot: SerializedOperatorSnapshot): void;
}

/**
 * Serializes an operator snapshot at once, so later state changes cannot leak into it. A key
 * group's blob is its snapshot without `group` and `mode` (which the checkpoint keeps beside it),
 * whatever form the operator chose: the runtime does not look inside.
 */
export function serializeSnapshot(
  snapshot: OperatorSnapshot,
  serde: Serde<unknown>,
): SerializedOperatorSnapshot {
  return {
    keyGroups: (snapshot.keyGroups ?? []).map(({ group, mode, ...state }) => ({
      group,
      mode,
      blob: serde.serialize(state),
    })),
    operator: snapshot.operator === undefined ? undefined : serde.serialize(snapshot.operator),
  };
}

/**
 * Reads back what {@link serializeSnapshot} wrote; key groups stay in the order given, each in the
 * form its operator wrote it (which the operator checks as it restores).
 */
export function deserializeSnapshot(
  snapshot: SerializedOperatorSnapshot,
  serde: Serde<unknown>,
): OperatorSnapshot {
  return {
    keyGroups: snapshot.keyGroups.map(
      (s) =>
        ({ group: s.group, mode: s.mode, ...(serde.deserialize(s.blob) as object) }) as
          | KeyGroupSnapshot
          | OpaqueKeyGroupSnapshot,
    ),
    operator: snapshot.operator === undefined ? undefined : serde.deserialize(snapshot.operator),
  };
}
