import type { SerializedKeyGroup, SerializedOperatorSnapshot } from "../checkpoint/serialized-snapshot.ts";
import type { KeyGroupSnapshot } from "../state/keyed-heap.ts";
import type { Serde } from "../state/serde.ts";
import type { Clock } from "../time/clock.ts";
import type { JobMetrics } from "./metrics.ts";
import type { OperatorSnapshot } from "./operator.ts";

// The serialized forms are the checkpoint's contract; re-exported for the runtime's callers.
export type { SerializedKeyGroup, SerializedOperatorSnapshot };

/** Services the runtime lends to every stage of a running graph. */
export interface StageRuntime {
  readonly clock: Clock;
  readonly keyGroups: number;
  readonly metrics: JobMetrics;
  readonly serde: Serde<unknown>;
  /** State to restore an operator from (oldest snapshot first per key group), if any. */
  restoredState(operatorId: string): OperatorSnapshot | undefined;
  /** An operator's state at a barrier, serialized; called as the barrier passes. */
  acknowledgeOperator(operatorId: string, checkpointId: number, snapshot: SerializedOperatorSnapshot): void;
}

/** Serializes an operator snapshot at once, so later state changes cannot leak into it. */
export function serializeSnapshot(
  snapshot: OperatorSnapshot,
  serde: Serde<unknown>,
): SerializedOperatorSnapshot {
  return {
    keyGroups: (snapshot.keyGroups ?? []).map((s) => ({
      group: s.group,
      mode: s.mode,
      blob: serde.serialize(
        s.columns === undefined
          ? { entries: s.entries, deleted: s.deleted }
          : { entries: s.entries, deleted: s.deleted, columns: s.columns },
      ),
    })),
    operator: snapshot.operator === undefined ? undefined : serde.serialize(snapshot.operator),
  };
}

/** Reads back what {@link serializeSnapshot} wrote; key groups stay in the order given. */
export function deserializeSnapshot(
  snapshot: SerializedOperatorSnapshot,
  serde: Serde<unknown>,
): OperatorSnapshot {
  return {
    keyGroups: snapshot.keyGroups.map((s) => {
      const { entries, deleted, columns } = serde.deserialize(s.blob) as Pick<
        KeyGroupSnapshot,
        "entries" | "deleted" | "columns"
      >;
      return columns === undefined
        ? { group: s.group, mode: s.mode, entries, deleted }
        : { group: s.group, mode: s.mode, entries, deleted, columns };
    }),
    operator: snapshot.operator === undefined ? undefined : serde.deserialize(snapshot.operator),
  };
}
