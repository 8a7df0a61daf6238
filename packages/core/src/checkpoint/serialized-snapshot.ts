/**
 * One key group's snapshot as it goes to a checkpoint store: `blob` holds the serialized group
 * (`{ entries, deleted }` as the keyed heap writes it, or `{ encoded }` in a form an operator owns
 * and versions itself). A `full` blob is the whole group; a `delta` applies on top of the blobs
 * before it in the group's chain.
 */
export interface SerializedKeyGroup {
  readonly group: number;
  readonly mode: "full" | "delta";
  readonly blob: Uint8Array;
}

/**
 * An operator's snapshot at a barrier, serialized: the key groups it wrote (every group when the
 * barrier asked for a full snapshot, else those changed since the last one) and its non-keyed
 * state. The runtime produces it; the checkpoint coordinator stores it; a restore hands it back
 * with every group's chain in replay order.
 */
export interface SerializedOperatorSnapshot {
  readonly keyGroups: SerializedKeyGroup[];
  readonly operator?: Uint8Array | undefined;
}
