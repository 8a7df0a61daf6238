import { createStreamProxy } from "@eddy/connector-kinesis";
import { localClientConfig } from "@eddy/local-stack";

/** A record read back from a stream: its text, `ApproximateArrivalTimestamp` and shard. */
export interface ReadRecord {
  readonly text: string;
  readonly arrivalTime: number;
  readonly shardId: string;
}

const utf8 = new TextDecoder();

/** Every record of a local stream, shard by shard in sequence order (the tests use one shard). */
export async function readStream(endpoint: string, stream: string): Promise<ReadRecord[]> {
  const proxy = createStreamProxy({ ...localClientConfig(endpoint), subscribeHttpVersion: "1.1" });
  const records: ReadRecord[] = [];
  try {
    for (const shard of await proxy.listShards(stream)) {
      let iterator: string | undefined = await proxy.getShardIterator(stream, shard.shardId, {
        type: "TRIM_HORIZON",
      });
      while (iterator !== undefined) {
        const page = await proxy.getRecords(iterator, 10_000);
        for (const r of page.records)
          records.push({ text: utf8.decode(r.data), arrivalTime: r.arrivalTime, shardId: shard.shardId });
        if (page.records.length === 0 || page.millisBehindLatest === 0) break;
        iterator = page.nextIterator;
      }
    }
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return [];
    throw error;
  } finally {
    proxy.close();
  }
  return records;
}
