import type { KinesisEntry } from "./kinesis-element-converter.ts";
import { entrySize } from "./kinesis-element-converter.ts";
import {
  AGGREGATE_FIXED_BYTES,
  aggregate,
  aggregatedRecordOverhead,
  type UserRecord,
} from "./kpl-aggregation.ts";

/** Size limits of one KPL aggregate. */
export interface AggregateLimits {
  readonly maxBytes: number;
  readonly maxRecords: number;
}

interface OpenAggregate {
  readonly records: UserRecord[];
  bytes: number;
}

/**
 * Packs records into KPL aggregates before they reach the sink's writer, as the KPL does by the
 * shard a record goes to: records with an explicit hash key share an aggregate with those of the
 * same hash key (whatever their partition keys), so the aggregate is written at that hash key and
 * each user record lands in the shard its hash key names (a key group's point stays in its
 * shard); records without one share an aggregate with those of the same partition key. An
 * aggregate is closed (handed to `emit`) when the next record would not fit, or by `closeAll` (the
 * sink's timer, its barrier). A record too large to share an aggregate travels alone.
 */
export class RecordAggregator {
  readonly #open = new Map<string, OpenAggregate>();
  #pending = 0;

  constructor(
    private readonly limits: AggregateLimits,
    private readonly emit: (entry: KinesisEntry) => void,
  ) {}

  /** User records waiting in open aggregates. */
  get pending(): number {
    return this.#pending;
  }

  add(entry: KinesisEntry): void {
    const { maxBytes, maxRecords } = this.limits;
    const added = aggregatedRecordOverhead(entry);
    if (AGGREGATE_FIXED_BYTES + added > maxBytes) {
      this.emit(entry);
      return;
    }
    // Prefixed, so a partition key that reads like a hash key never shares with it.
    const key = entry.explicitHashKey === undefined ? `p${entry.partitionKey}` : `h${entry.explicitHashKey}`;
    let open = this.#open.get(key);
    if (open && (open.bytes + added > maxBytes || open.records.length >= maxRecords)) {
      this.#close(key, open);
      open = undefined;
    }
    if (!open) {
      open = { records: [], bytes: AGGREGATE_FIXED_BYTES };
      this.#open.set(key, open);
    }
    open.records.push(entry);
    open.bytes += added;
    this.#pending++;
  }

  closeAll(): void {
    for (const [key, open] of this.#open) this.#close(key, open);
  }

  #close(key: string, open: OpenAggregate): void {
    this.#open.delete(key);
    this.#pending -= open.records.length;
    const first = open.records[0]!;
    const data = open.records.length === 1 ? first.data : aggregate(open.records);
    // The outer record takes the first record's keys, as the KPL's does.
    const partitionKey = first.partitionKey;
    this.emit({
      data,
      partitionKey,
      explicitHashKey: first.explicitHashKey,
      records: open.records.length,
      size: entrySize(data, partitionKey),
    });
  }
}
