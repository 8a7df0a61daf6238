import type { OutputTag, SourceBatch } from "@eddy/core";
import { NotCoPartitionedError } from "./co-partition-check.ts";
import type { KinesisDeadLetter } from "./dead-letter.ts";
import type { Decoder, RecordMetadata } from "./decoders.ts";
import { errorMessage } from "./errors.ts";
import type { KinesisRecord } from "./kinesis-client.ts";
import { deaggregate } from "./kpl-aggregation.ts";
import type { ShardPosition, ShardStart } from "./shard-position.ts";

/** Counters the converter keeps for a shard's metrics. */
export interface ConversionCounts {
  records: number;
  deadLetters: number;
}

/**
 * Turns the Kinesis records of one shard into source batches: de-aggregates KPL records, skips the
 * sub-records a restored position already covered, decodes, and routes failures to dead letters.
 *
 * Records keep their order: consecutive decoded values form one batch, consecutive dead letters
 * another, and each batch's position is that of its last user record (the last batch of a call
 * carries the position after everything consumed). So a checkpoint taken between two batches
 * resumes exactly after the first one.
 */
export class RecordConverter<T> {
  readonly counts: ConversionCounts = { records: 0, deadLetters: 0 };
  readonly #meta: RecordMetadata;
  #skip: ShardStart["skip"];

  constructor(
    private readonly stream: string,
    private readonly shardId: string,
    private readonly decode: Decoder<T>,
    private readonly deadLetters: OutputTag<KinesisDeadLetter>,
    skip: ShardStart["skip"],
  ) {
    this.#skip = skip;
    this.#meta = {
      shardId,
      partitionKey: "",
      sequenceNumber: "",
      subSequenceNumber: undefined,
      explicitHashKey: undefined,
      arrivalTime: 0,
    };
  }

  /**
   * Converts `records` (in shard order) and appends the resulting batches to `out`; returns the
   * position after the last record, or `undefined` if `records` is empty.
   */
  convert(records: readonly KinesisRecord[], out: SourceBatch<T>[]): ShardPosition | undefined {
    if (records.length === 0) return undefined;
    const meta = this.#meta;
    const decode = this.decode;
    let values: unknown[] = [];
    let timestamps: number[] = [];
    let dead = false;
    // The last emitted user record, as primitives: a position object is made per batch only.
    let lastSeq = "";
    let lastSub = 0;
    let lastComplete = true;
    // The last sub-sequence number of the last Kinesis record consumed.
    let lastRecordSub = 0;

    const flush = () => {
      if (values.length === 0) return;
      out.push({
        kind: "data",
        split: this.shardId,
        tag: dead ? this.deadLetters : undefined,
        values: values as T[],
        timestamps,
        position: {
          kind: "sequence",
          sequenceNumber: lastSeq,
          subSequenceNumber: lastSub,
          complete: lastComplete,
        },
      });
      values = [];
      timestamps = [];
    };
    // The run switches before the position moves: a batch's position never covers a later run.
    const pushDead = (letter: KinesisDeadLetter, sub: number, complete: boolean) => {
      if (!dead) {
        flush();
        dead = true;
      }
      lastSeq = letter.sequenceNumber;
      lastSub = sub;
      lastComplete = complete;
      values.push(letter);
      timestamps.push(letter.arrivalTime);
      this.counts.deadLetters++;
    };

    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      const skip = this.#skip;
      this.#skip = undefined;
      const skipUpTo =
        skip !== undefined && skip.sequenceNumber === record.sequenceNumber ? skip.upToSubSequence : -1;
      const unpacked = deaggregate(record.data);
      meta.sequenceNumber = record.sequenceNumber;
      meta.arrivalTime = record.arrivalTime;

      if (unpacked.kind === "corrupt") {
        lastRecordSub = 0;
        pushDead(
          {
            stream: this.stream,
            shardId: this.shardId,
            sequenceNumber: record.sequenceNumber,
            subSequenceNumber: undefined,
            partitionKey: record.partitionKey,
            arrivalTime: record.arrivalTime,
            data: record.data,
            reason: "corrupt-aggregate",
            error: unpacked.error,
          },
          0,
          true,
        );
        continue;
      }

      const subRecords = unpacked.kind === "aggregate" ? unpacked.records : undefined;
      const n = subRecords ? subRecords.length : 1;
      lastRecordSub = Math.max(0, n - 1);
      let j = skipUpTo + 1;
      while (j < n) {
        let data = record.data;
        try {
          for (; j < n; j++) {
            if (subRecords) {
              const sub = subRecords[j]!;
              data = sub.data;
              meta.partitionKey = sub.partitionKey;
              meta.explicitHashKey = sub.explicitHashKey;
              meta.subSequenceNumber = j;
            } else {
              meta.partitionKey = record.partitionKey;
              meta.explicitHashKey = record.explicitHashKey;
              meta.subSequenceNumber = undefined;
            }
            const value = decode(data, meta);
            if (dead) {
              flush();
              dead = false;
            }
            lastSeq = record.sequenceNumber;
            lastSub = j;
            lastComplete = j === n - 1;
            values.push(value);
            timestamps.push(record.arrivalTime);
            this.counts.records++;
          }
        } catch (error) {
          pushDead(
            {
              stream: this.stream,
              shardId: this.shardId,
              sequenceNumber: record.sequenceNumber,
              subSequenceNumber: meta.subSequenceNumber,
              partitionKey: meta.partitionKey,
              arrivalTime: record.arrivalTime,
              data,
              reason: error instanceof NotCoPartitionedError ? "not-co-partitioned" : "decode",
              error: errorMessage(error),
            },
            j,
            j === n - 1,
          );
          j++;
        }
      }
    }

    const last = records[records.length - 1]!;
    const consumed: ShardPosition = {
      kind: "sequence",
      sequenceNumber: last.sequenceNumber,
      subSequenceNumber: lastRecordSub,
      complete: true,
    };
    if (values.length > 0) {
      // The last batch covers whatever was consumed after its last value (skipped or empty records).
      lastSeq = consumed.sequenceNumber;
      lastSub = consumed.subSequenceNumber;
      lastComplete = true;
      flush();
    } else {
      out.push({ kind: "data", split: this.shardId, values: [], position: consumed });
    }
    return consumed;
  }
}
