import type { IteratorStart } from "./kinesis-client.ts";

/**
 * Where a shard is, as stored in checkpoints (plain JSON):
 * - `sequence`: the last user record handed downstream. `subSequenceNumber` is its index inside
 *   a KPL aggregate (0 for a plain record); `complete` says no user record of that Kinesis record
 *   remains. A complete position resumes `AFTER_SEQUENCE_NUMBER`; an incomplete one resumes
 *   `AT_SEQUENCE_NUMBER` and skips the sub-records up to `subSequenceNumber`, so a restart
 *   neither replays nor skips part of an aggregate.
 * - `timestamp`: nothing handed downstream yet, reading began at this arrival time (how a
 *   `LATEST` or `AT_TIMESTAMP` start survives a restart without jumping ahead).
 * - `finished`: a closed shard read to its end; a restore reads neither it nor its parents.
 *
 * @example
 * const [latest] = await store.checkpoints("fx-pricing");
 * for (const [shard, position] of Object.entries(latest?.sources["source(kinesis:fx-ticks)#0"] ?? {})) {
 *   const p = position as ShardPosition;
 *   console.log(shard, p.kind === "sequence" ? p.sequenceNumber : p.kind);
 * }
 */
export type ShardPosition =
  | {
      readonly kind: "sequence";
      readonly sequenceNumber: string;
      readonly subSequenceNumber: number;
      readonly complete: boolean;
    }
  | { readonly kind: "timestamp"; readonly timestamp: number }
  | { readonly kind: "finished" };

export const FINISHED: ShardPosition = { kind: "finished" };

/** Where to start reading a shard, and which sub-records of the first Kinesis record to skip. */
export interface ShardStart {
  readonly iterator: IteratorStart;
  readonly skip: { readonly sequenceNumber: string; readonly upToSubSequence: number } | undefined;
}

/** Reads a position back from a checkpoint, refusing shapes this connector never wrote. */
export function parseShardPosition(value: unknown, shardId: string): ShardPosition {
  const v = value as Partial<Record<string, unknown>> | null;
  if (v && typeof v === "object") {
    if (v.kind === "finished") return FINISHED;
    if (v.kind === "timestamp" && typeof v.timestamp === "number")
      return { kind: "timestamp", timestamp: v.timestamp };
    if (
      v.kind === "sequence" &&
      typeof v.sequenceNumber === "string" &&
      typeof v.subSequenceNumber === "number" &&
      typeof v.complete === "boolean"
    ) {
      return {
        kind: "sequence",
        sequenceNumber: v.sequenceNumber,
        subSequenceNumber: v.subSequenceNumber,
        complete: v.complete,
      };
    }
  }
  throw new Error(
    `checkpointed position of shard ${shardId} is not a Kinesis position: ${JSON.stringify(value)}`,
  );
}

/** The start that resumes exactly after `position` (which must not be `finished`). */
export function startAfter(position: Exclude<ShardPosition, { kind: "finished" }>): ShardStart {
  if (position.kind === "timestamp") {
    return { iterator: { type: "AT_TIMESTAMP", timestamp: position.timestamp }, skip: undefined };
  }
  if (position.complete) {
    return {
      iterator: { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: position.sequenceNumber },
      skip: undefined,
    };
  }
  return {
    iterator: { type: "AT_SEQUENCE_NUMBER", sequenceNumber: position.sequenceNumber },
    skip: { sequenceNumber: position.sequenceNumber, upToSubSequence: position.subSequenceNumber },
  };
}
