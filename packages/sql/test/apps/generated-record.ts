/**
 * One record as it arrives on an application's streaming source: the Firehose (or Kinesis) record
 * data and its arrival time, which KDA uses as ROWTIME (and APPROXIMATE_ARRIVAL_TIME).
 */
export interface GeneratedRecord {
  /** Epoch ms UTC when the record reached the source; strictly ascending within one generation. */
  readonly arrivalTime: number;
  /** The record's payload: one JSON document, as the producer wrote it. */
  readonly data: string;
}

/** How much input to generate, from when, and from which seed. */
export interface GenerateOptions {
  /** The same seed gives the same records. */
  readonly seed: number;
  /** How many records. */
  readonly count: number;
  /** Arrival time of the first record, epoch ms UTC. */
  readonly start: number;
  /** Mean time between two records, ms; each generator documents its default. */
  readonly meanIntervalMs?: number;
}

/** Two-digit zero padding for the generators' date formats. */
export function pad2(value: number): string {
  return String(value).padStart(2, "0");
}
