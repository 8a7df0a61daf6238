import { createStreamProxy, type KinesisConnection, type KinesisRecord } from "../kinesis-client.ts";

/** Every record stored in `stream`, shard by shard from its start (KPL aggregates not unpacked). */
export async function storedRecords(connection: KinesisConnection, stream: string): Promise<KinesisRecord[]> {
  const proxy = createStreamProxy(connection);
  try {
    const out: KinesisRecord[] = [];
    for (const shard of await proxy.listShards(stream)) {
      let iterator: string | undefined = await proxy.getShardIterator(stream, shard.shardId, {
        type: "TRIM_HORIZON",
      });
      for (;;) {
        const result = await proxy.getRecords(iterator!, 10_000);
        out.push(...result.records);
        if (result.records.length === 0 || !result.nextIterator) break;
        iterator = result.nextIterator;
      }
    }
    return out;
  } finally {
    proxy.close();
  }
}
