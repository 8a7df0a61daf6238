import type {
  GetRecordsResult,
  IteratorStart,
  KinesisRecord,
  ShardInfo,
  StreamProxy,
} from "../kinesis-client.ts";

/** One shard of a {@link ScriptedShards} stream: its listing and its records, in order. */
export interface ScriptedShard extends ShardInfo {
  readonly records: readonly KinesisRecord[];
}

/**
 * A {@link StreamProxy} over a stream held in memory, for unit tests of the source without a
 * stand-in: `ListShards` answers the shards as scripted, in the scripted order; iterators are
 * indices into a shard's records; a closed shard's last `GetRecords` has no next iterator and
 * announces its children. Records every call, so a test can check which shards were read and from where.
 */
export class ScriptedShards implements StreamProxy {
  readonly iterators: { shardId: string; start: IteratorStart }[] = [];
  listings = 0;
  closed = false;

  constructor(readonly shards: ScriptedShard[]) {}

  async listShards(): Promise<ShardInfo[]> {
    this.listings++;
    return this.shards.map(({ records: _records, ...info }) => info);
  }

  async getShardIterator(_stream: string, shardId: string, start: IteratorStart): Promise<string> {
    const shard = this.#shard(shardId);
    this.iterators.push({ shardId, start });
    const at = (sequenceNumber: string) =>
      shard.records.findIndex((r) => r.sequenceNumber === sequenceNumber);
    let index: number;
    switch (start.type) {
      case "TRIM_HORIZON":
        index = 0;
        break;
      case "LATEST":
        index = shard.records.length;
        break;
      case "AT_TIMESTAMP":
        index = shard.records.findIndex((r) => r.arrivalTime >= start.timestamp);
        if (index < 0) index = shard.records.length;
        break;
      case "AT_SEQUENCE_NUMBER":
        index = at(start.sequenceNumber);
        break;
      case "AFTER_SEQUENCE_NUMBER":
        index = at(start.sequenceNumber) + 1;
        break;
    }
    return JSON.stringify({ shardId, index });
  }

  async getRecords(iterator: string, limit: number): Promise<GetRecordsResult> {
    const { shardId, index } = JSON.parse(iterator) as { shardId: string; index: number };
    const shard = this.#shard(shardId);
    const records = shard.records.slice(index, index + limit);
    const next = index + records.length;
    const ended = shard.closed && next >= shard.records.length;
    return {
      records,
      nextIterator: ended ? undefined : JSON.stringify({ shardId, index: next }),
      millisBehindLatest: 0,
      childShards: ended
        ? this.shards
            .filter((s) => s.parentShardIds.includes(shardId))
            .map(({ records: _records, ...info }) => info)
        : undefined,
    };
  }

  close(): void {
    this.closed = true;
  }

  putRecords = notScripted;
  streamArn = notScripted;
  registerConsumer = notScripted;
  describeConsumer = notScripted;
  deregisterConsumer = notScripted;
  subscribeToShard = notScripted;

  #shard(shardId: string): ScriptedShard {
    const shard = this.shards.find((s) => s.shardId === shardId);
    if (!shard)
      throw Object.assign(new Error(`shard ${shardId} not found (scripted)`), {
        name: "ResourceNotFoundException",
      });
    return shard;
  }
}

function notScripted(): never {
  throw new Error("not scripted: the source test reads shards only");
}
