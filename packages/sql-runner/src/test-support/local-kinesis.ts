import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { createStreamProxy } from "@eddy/connector-kinesis";
import { localClientConfig } from "@eddy/local-stack";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** A record read back from a stream: its text, `ApproximateArrivalTimestamp` and shard. */
export interface ReadRecord {
  readonly text: string;
  readonly arrivalTime: number;
  readonly shardId: string;
}

const utf8 = new TextDecoder();

/** Writes records to a local stream with the SDK, in order; throws when any is refused. */
export async function putRecords(
  endpoint: string,
  stream: string,
  records: readonly { readonly data: string; readonly partitionKey: string }[],
): Promise<void> {
  const client = new KinesisClient({ ...localClientConfig(endpoint), requestHandler: new NodeHttpHandler() });
  try {
    const answer = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: records.map((r) => ({ Data: Buffer.from(r.data), PartitionKey: r.partitionKey })),
      }),
    );
    const refused = answer.Records?.find((r) => r.ErrorCode !== undefined);
    if (refused) throw new Error(`PutRecords into ${stream}: ${refused.ErrorCode}: ${refused.ErrorMessage}`);
  } finally {
    client.destroy();
  }
}

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
