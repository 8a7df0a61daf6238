import type { Serde } from "../state/serde.ts";
import { isWriterRun, NO_RUN, type WriterRun } from "./writer-run.ts";

/**
 * What travels through a repartition stream. `record`: a record of upstream split `split`, with
 * its id there (1, 2, … in the split's order at the writer, the same on every replay) and its
 * event time. The others are markers, written to every shard: `watermark` (the upstream splits'
 * watermark is at least `at`), `idle`/`active` (a split stopped or started holding event time),
 * `committed` (every record of each split up to its id was stored before this marker) and `end`
 * (the split was read to its end; its last id).
 *
 * `watermark`, `idle` and `active` carry the run of each split they speak for ({@link WriterRun}):
 * a reader ignores them when it heard of a newer run of the split. `committed` and `end` carry
 * none: what they say (every id up to theirs is stored) holds whichever run wrote them, as every
 * run numbers a split's records the same. A marker written before markers carried runs decodes with
 * {@link NO_RUN}, older than any run.
 *
 * @example
 * const envelope: Envelope = { kind: "record", split: "shardId-000000000001", id: 42, timestamp: 1_000, value: { page: "/" } };
 * const idle: Envelope = { kind: "idle", split: "shardId-000000000001", run: [41, 3] };
 */
export type Envelope =
  | {
      readonly kind: "record";
      readonly split: string;
      readonly id: number;
      readonly timestamp: number;
      readonly value: unknown;
    }
  | {
      readonly kind: "watermark";
      readonly splits: readonly string[];
      readonly at: number;
      /** The run of each split, at the same index as in `splits`. */
      readonly runs: readonly WriterRun[];
    }
  | { readonly kind: "idle" | "active"; readonly split: string; readonly run: WriterRun }
  | { readonly kind: "committed"; readonly ids: ReadonlyArray<readonly [split: string, id: number]> }
  | { readonly kind: "end"; readonly split: string; readonly id: number };

/** Tags of the compact tuple form: one small array per message, serialized by the job's serde. */
const TAGS = { record: 0, watermark: 1, idle: 2, active: 3, committed: 4, end: 5 } as const;

/**
 * The bytes of `envelope`: a tuple (`[0, split, id, timestamp, value]` for a record) in the job's
 * serde, so a record costs its value's bytes plus about 20 for the split, id and time.
 */
export function encodeEnvelope(envelope: Envelope, serde: Serde<unknown>): Uint8Array {
  switch (envelope.kind) {
    case "record":
      return serde.serialize([TAGS.record, envelope.split, envelope.id, envelope.timestamp, envelope.value]);
    case "watermark":
      return serde.serialize([TAGS.watermark, envelope.splits, envelope.at, envelope.runs]);
    case "idle":
    case "active":
      return serde.serialize([TAGS[envelope.kind], envelope.split, envelope.run]);
    case "committed":
      return serde.serialize([TAGS.committed, envelope.ids]);
    case "end":
      return serde.serialize([TAGS.end, envelope.split, envelope.id]);
  }
}

/** The envelope `bytes` encode; throws a clear error for bytes no repartition writer wrote. */
export function decodeEnvelope(bytes: Uint8Array, serde: Serde<unknown>): Envelope {
  let tuple: unknown;
  try {
    tuple = serde.deserialize(bytes);
  } catch (error) {
    throw new Error(`not a repartition message (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(tuple)) throw new Error("not a repartition message (not a tuple)");
  const [tag, a, b, c, d] = tuple as unknown[];
  switch (tag) {
    case TAGS.record:
      if (typeof a === "string" && typeof b === "number" && typeof c === "number") {
        return { kind: "record", split: a, id: b, timestamp: c, value: d };
      }
      break;
    case TAGS.watermark: {
      // Without runs: a writer from before markers carried them.
      const runs = c === undefined && Array.isArray(a) ? a.map(() => NO_RUN) : c;
      if (Array.isArray(a) && typeof b === "number" && isRunsOf(a, runs))
        return { kind: "watermark", splits: a as string[], at: b, runs };
      break;
    }
    case TAGS.idle:
    case TAGS.active: {
      const run = b === undefined ? NO_RUN : b;
      if (typeof a === "string" && isWriterRun(run))
        return { kind: tag === TAGS.idle ? "idle" : "active", split: a, run };
      break;
    }
    case TAGS.committed:
      if (Array.isArray(a)) return { kind: "committed", ids: a as [string, number][] };
      break;
    case TAGS.end:
      if (typeof a === "string" && typeof b === "number") return { kind: "end", split: a, id: b };
      break;
  }
  throw new Error(`not a repartition message (tag ${String(tag)})`);
}

/** Whether `runs` is a run for each of `splits`. */
function isRunsOf(splits: readonly unknown[], runs: unknown): runs is WriterRun[] {
  return Array.isArray(runs) && runs.length === splits.length && runs.every(isWriterRun);
}
