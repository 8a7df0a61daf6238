import type { Serde } from "../state/serde.ts";

/**
 * What travels through a repartition stream. `record`: a record of upstream split `split`, with
 * its id there (1, 2, … in the split's order at the writer, the same on every replay) and its
 * event time. The others are markers, written to every shard: `watermark` (the upstream splits'
 * watermark is at least `at`), `idle`/`active` (a split stopped or started holding event time),
 * `committed` (every record of each split up to its id was stored before this marker) and `end`
 * (the split was read to its end; its last id).
 *
 * @example
 * const envelope: Envelope = { kind: "record", split: "shardId-000000000001", id: 42, timestamp: 1_000, value: { page: "/" } };
 */
export type Envelope =
  | {
      readonly kind: "record";
      readonly split: string;
      readonly id: number;
      readonly timestamp: number;
      readonly value: unknown;
    }
  | { readonly kind: "watermark"; readonly splits: readonly string[]; readonly at: number }
  | { readonly kind: "idle" | "active"; readonly split: string }
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
      return serde.serialize([TAGS.watermark, envelope.splits, envelope.at]);
    case "idle":
    case "active":
      return serde.serialize([TAGS[envelope.kind], envelope.split]);
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
    case TAGS.watermark:
      if (Array.isArray(a) && typeof b === "number")
        return { kind: "watermark", splits: a as string[], at: b };
      break;
    case TAGS.idle:
    case TAGS.active:
      if (typeof a === "string") return { kind: tag === TAGS.idle ? "idle" : "active", split: a };
      break;
    case TAGS.committed:
      if (Array.isArray(a)) return { kind: "committed", ids: a as [string, number][] };
      break;
    case TAGS.end:
      if (typeof a === "string" && typeof b === "number") return { kind: "end", split: a, id: b };
      break;
  }
  throw new Error(`not a repartition message (tag ${String(tag)})`);
}
