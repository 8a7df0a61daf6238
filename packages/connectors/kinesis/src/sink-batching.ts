import type { PutEntry } from "./kinesis-client.ts";

/** A record waiting in the sink's buffer, with what the limits count. */
export interface BufferedEntry extends PutEntry {
  /** Bytes Kinesis counts against its limits: data plus partition key (UTF-8). */
  readonly size: number;
  /** PutRecords attempts that failed for this entry so far. */
  attempts: number;
  /** The last error Kinesis gave for it, for the message when retries run out. */
  lastError?: string;
}

/** Bytes Kinesis counts for a record: the data and the partition key. */
export function entrySize(data: Uint8Array, partitionKey: string): number {
  return data.length + Buffer.byteLength(partitionKey, "utf8");
}

/**
 * A FIFO of entries (an array with a moving head, so taking from the front is O(1)) that knows
 * its size in bytes. Retried entries go back to the front, as in Flink's `AsyncSinkWriter`.
 */
export class EntryBuffer {
  #entries: BufferedEntry[] = [];
  #head = 0;
  #bytes = 0;

  get length(): number {
    return this.#entries.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  push(entry: BufferedEntry): void {
    this.#entries.push(entry);
    this.#bytes += entry.size;
  }

  /** Puts entries back in front, keeping their order. */
  unshift(entries: readonly BufferedEntry[]): void {
    const rest = this.#entries.slice(this.#head);
    this.#entries = [...entries, ...rest];
    this.#head = 0;
    for (const e of entries) this.#bytes += e.size;
  }

  /**
   * Takes the next batch: as many entries from the front as fit in `maxCount` entries and
   * `maxBytes` bytes (at least one, since every entry alone fits the limits).
   */
  takeBatch(maxCount: number, maxBytes: number): BufferedEntry[] {
    const batch: BufferedEntry[] = [];
    let bytes = 0;
    while (this.#head < this.#entries.length && batch.length < maxCount) {
      const entry = this.#entries[this.#head]!;
      if (batch.length > 0 && bytes + entry.size > maxBytes) break;
      batch.push(entry);
      bytes += entry.size;
      this.#entries[this.#head++] = undefined as unknown as BufferedEntry;
    }
    this.#bytes -= bytes;
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  /** Whether a full batch (by count or bytes) is ready. */
  hasFullBatch(maxCount: number, maxBytes: number): boolean {
    return this.length >= maxCount || this.#bytes >= maxBytes;
  }
}
