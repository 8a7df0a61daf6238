import type { Key } from "../state/key-group.ts";
import type { KeyGroupSnapshot, OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";
import type { WindowColumns } from "./window-columns.ts";

/**
 * The window operator's checkpoint format: what it writes per key group, versioned, and how it
 * reads back every version it ever wrote. The runtime stores each group's blob without looking
 * inside (an {@link OpaqueKeyGroupSnapshot}); only this module knows its layouts.
 *
 * - Version 1 (before the operator owned its blobs) was written as the keyed heap's form: the
 *   keyed store's `{ entries, deleted }` (each key's windows as `EncodedSlot`s), or the
 *   event-time buckets' `{ entries: [], deleted: [], columns }` ({@link WindowColumns}).
 * - Version 2 carries the same two layouts inside `encoded`, with its version number:
 *   `{ version: 2, entries, deleted }` or `{ version: 2, columns }`.
 */

/** The version of the window operator's key-group blobs this code writes. */
export const WINDOW_SNAPSHOT_VERSION = 2;

/**
 * A key group's window state as the operator works with it, whichever version wrote it: per-key
 * windows in `entries` (the keyed store's layout), or rows of windows in `columns` (the
 * event-time buckets' layout; `entries` and `deleted` are then empty).
 */
export interface WindowGroupSnapshot {
  readonly group: number;
  readonly mode: "full" | "delta";
  readonly entries: Array<[Key, unknown]>;
  readonly deleted: Key[];
  readonly columns?: WindowColumns | undefined;
}

/** What `encoded` holds in version 2. */
type EncodedWindowGroup =
  | { readonly version: 2; readonly entries: Array<[Key, unknown]>; readonly deleted: Key[] }
  | { readonly version: 2; readonly columns: WindowColumns };

/** A group's window state as the operator writes it to a checkpoint. */
export function encodeWindowGroup(snapshot: WindowGroupSnapshot): OpaqueKeyGroupSnapshot {
  const { group, mode, entries, deleted, columns } = snapshot;
  const encoded: EncodedWindowGroup =
    columns === undefined
      ? { version: WINDOW_SNAPSHOT_VERSION, entries, deleted }
      : { version: WINDOW_SNAPSHOT_VERSION, columns };
  return { group, mode, encoded };
}

/** Every group's window state as the operator writes it to a checkpoint. */
export function encodeWindowGroups(snapshots: readonly WindowGroupSnapshot[]): OpaqueKeyGroupSnapshot[] {
  return snapshots.map(encodeWindowGroup);
}

/**
 * Reads back a key group's window state written by any version of the operator; a blob of a
 * version it does not know, or of another kind of operator, is refused with a clear error.
 */
export function decodeWindowGroup(snapshot: KeyGroupSnapshot | OpaqueKeyGroupSnapshot): WindowGroupSnapshot {
  const { group, mode } = snapshot;
  if (!("encoded" in snapshot)) {
    // Version 1: the keyed heap's form, with the buckets' columns beside it.
    const v1 = snapshot as KeyGroupSnapshot & { readonly columns?: WindowColumns };
    if (!Array.isArray(v1.entries) || !Array.isArray(v1.deleted)) throw notWindowState(group);
    return v1.columns === undefined
      ? { group, mode, entries: v1.entries, deleted: v1.deleted }
      : { group, mode, entries: [], deleted: [], columns: v1.columns };
  }
  const encoded = snapshot.encoded as Partial<EncodedWindowGroup> | null | undefined;
  const version = encoded?.version;
  if (version !== WINDOW_SNAPSHOT_VERSION) {
    if (typeof version !== "number") throw notWindowState(group);
    throw new TypeError(
      `window state of key group ${group} was written in format version ${version}; this version of Eddy reads versions 1 to ${WINDOW_SNAPSHOT_VERSION}`,
    );
  }
  const v2 = encoded as EncodedWindowGroup;
  if ("columns" in v2) return { group, mode, entries: [], deleted: [], columns: v2.columns };
  return { group, mode, entries: v2.entries, deleted: v2.deleted };
}

/** {@link decodeWindowGroup} for each group, in the order given. */
export function decodeWindowGroups(
  snapshots: Iterable<KeyGroupSnapshot | OpaqueKeyGroupSnapshot>,
): WindowGroupSnapshot[] {
  return Array.from(snapshots, decodeWindowGroup);
}

function notWindowState(group: number): TypeError {
  return new TypeError(
    `key group ${group} holds state another kind of operator wrote, not a window operator's: was the operator's name reused?`,
  );
}
