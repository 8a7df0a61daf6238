import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { evaluatePrefix, formatUtc } from "./s3-prefix.ts";
import type { ObjectWriter } from "./s3-writer.ts";

/** The S3 destination of a delivery stream, as given to CreateDeliveryStream. */
export interface S3Destination {
  readonly bucket: string;
  readonly bucketArn: string;
  readonly roleArn: string;
  readonly prefix: string;
  readonly errorOutputPrefix: string;
  readonly sizeInMBs: number;
  readonly intervalInSeconds: number;
  readonly compression: "UNCOMPRESSED" | "GZIP";
}

/** What the stream reports about its deliveries (for logs and tests). */
export interface DeliveryEvents {
  delivered?(stream: string, key: string, records: number, bytes: number): void;
  failed?(stream: string, key: string, error: unknown, attempt: number): void;
}

const MAX_DELIVERY_ATTEMPTS = 8;

/**
 * One delivery stream: buffers records in arrival order and writes them to S3 as one object when
 * the buffer reaches `sizeInMBs` or `intervalInSeconds` after its first record, whichever comes
 * first (Firehose's buffering hints). Records are concatenated as sent: Firehose adds no
 * delimiter. The key is the evaluated prefix plus `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>`,
 * both from the arrival time of the buffer's first record (UTC).
 */
export class DeliveryStream {
  readonly createdAt = Date.now();
  readonly versionId = "1";
  #buffer: Buffer[] = [];
  #bytes = 0;
  #firstArrival = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #deliveries = new Set<Promise<void>>();

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly destination: S3Destination,
    private readonly writer: ObjectWriter,
    private readonly events: DeliveryEvents = {},
  ) {}

  /** Buffers `records` (decoded bytes), delivering when a buffering hint is reached. */
  put(records: readonly Buffer[]): void {
    if (records.length === 0) return;
    const now = Date.now();
    if (this.#buffer.length === 0) {
      this.#firstArrival = now;
      this.#timer = setTimeout(() => this.flush(), this.destination.intervalInSeconds * 1000);
      this.#timer.unref();
    }
    for (const record of records) {
      this.#buffer.push(record);
      this.#bytes += record.byteLength;
    }
    if (this.#bytes >= this.destination.sizeInMBs * 1024 * 1024) this.flush();
  }

  /** Delivers what is buffered now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#buffer.length === 0) return;
    const records = this.#buffer;
    const arrival = this.#firstArrival;
    this.#buffer = [];
    this.#bytes = 0;
    const delivery = this.#deliver(records, arrival).finally(() => this.#deliveries.delete(delivery));
    this.#deliveries.add(delivery);
  }

  /** Delivers what is buffered and waits for every delivery in progress. */
  async drain(): Promise<void> {
    this.flush();
    while (this.#deliveries.size > 0) await Promise.allSettled([...this.#deliveries]);
  }

  async #deliver(records: Buffer[], arrival: number): Promise<void> {
    const { bucket, prefix, compression } = this.destination;
    const raw = Buffer.concat(records);
    const body = compression === "GZIP" ? gzipSync(raw) : raw;
    const name = `${this.name}-${this.versionId}-${formatUtc(arrival, "yyyy-MM-dd-HH-mm-ss")}-${randomUUID()}`;
    const key = evaluatePrefix(prefix, arrival) + name + (compression === "GZIP" ? ".gz" : "");
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writer.put(bucket, key, body);
        this.events.delivered?.(this.name, key, records.length, body.byteLength);
        return;
      } catch (error) {
        this.events.failed?.(this.name, key, error, attempt);
        if (attempt >= MAX_DELIVERY_ATTEMPTS) return;
        await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt) * Math.random()));
      }
    }
  }
}
