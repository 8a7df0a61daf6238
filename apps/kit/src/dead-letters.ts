import type { KinesisDeadLetter } from "@eddy/connector-kinesis";
import type { DataStream, FailedRecord } from "@eddy/core";
import type { RecordSource } from "./sources.ts";

/**
 * A record an app could not use, with why and where it came from: what the apps' dead-letter
 * outputs hold, whether the source could not decode it or an operator refused it.
 */
export interface DeadLetter {
  /** The error, e.g. `not an Apache combined log line: "…"`. */
  readonly reason: string;
  /** The record as text (bytes that are not UTF-8 show as U+FFFD). */
  readonly record: string;
  /** `kinesis <stream>/<shard>#<sequence number>`, or `operator <name>`. */
  readonly origin: string;
  /**
   * Event time of the record, or its arrival time in Kinesis (epoch ms); absent when it had
   * neither (a generated line that failed before it was given an event time).
   */
  readonly timestamp?: number;
}

const decoder = new TextDecoder("utf-8");

/** A record the Kinesis source could not decode. */
export function kinesisDeadLetter(letter: KinesisDeadLetter): DeadLetter {
  const sub = letter.subSequenceNumber === undefined ? "" : `/${letter.subSequenceNumber}`;
  return {
    reason: `${letter.reason}: ${letter.error}`,
    record: decoder.decode(letter.data),
    origin: `kinesis ${letter.stream}/${letter.shardId}#${letter.sequenceNumber}${sub}`,
    timestamp: letter.arrivalTime,
  };
}

/** A record an operator failed on (its `errors` side output). */
export function operatorDeadLetter(failed: FailedRecord<unknown>): DeadLetter {
  return {
    reason: failed.error,
    record: typeof failed.value === "string" ? failed.value : JSON.stringify(failed.value),
    origin: `operator ${failed.operator}`,
    ...(Number.isFinite(failed.timestamp) ? { timestamp: failed.timestamp } : {}),
  };
}

/**
 * An app's dead letters: `refused` (what its operators could not use) and, when the source is
 * Kinesis, the records it could not decode (`input`'s side output).
 */
export function withUndecodable(
  refused: DataStream<DeadLetter>,
  input: DataStream<unknown>,
  source: RecordSource<unknown>,
): DataStream<DeadLetter> {
  const tag = source.deadLetters;
  return tag
    ? refused.union(input.getSideOutput(tag).map(kinesisDeadLetter, { name: "undecodable" }))
    : refused;
}
