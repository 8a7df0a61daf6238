import type { PutEntry, PutRecordsFailure, StreamProxy } from "../kinesis-client.ts";

/** How the scripted stream answers one PutRecords call: failures by index, or a thrown error. */
export type PutRecordsAnswer = readonly PutRecordsFailure[] | Error;

/**
 * A {@link StreamProxy} whose PutRecords answers come from `answer` (default: all stored), for
 * unit tests of the sink without a stand-in. It records every call and what was stored; answers
 * wait for `release()` when `manual` is set. The source's calls are not scripted.
 */
export class ScriptedStreamProxy implements StreamProxy {
  readonly calls: PutEntry[][] = [];
  readonly stored: PutEntry[] = [];
  closed = false;
  readonly #held: (() => void)[] = [];

  constructor(
    private readonly answer: (entries: readonly PutEntry[], call: number) => PutRecordsAnswer = () => [],
    private readonly manual = false,
  ) {}

  async putRecords(_stream: string, entries: readonly PutEntry[]): Promise<PutRecordsFailure[]> {
    this.calls.push([...entries]);
    if (this.manual) await new Promise<void>((resolve) => this.#held.push(resolve));
    const answer = this.answer(entries, this.calls.length);
    if (answer instanceof Error) throw answer;
    const failed = new Set(answer.map((f) => f.index));
    entries.forEach((entry, i) => {
      if (!failed.has(i)) this.stored.push(entry);
    });
    return [...answer];
  }

  /** Lets the held calls answer. */
  release(): void {
    for (const answer of this.#held.splice(0)) answer();
  }

  get held(): number {
    return this.#held.length;
  }

  close(): void {
    this.closed = true;
  }

  // Typed as the interface's members, so a test can script one (the repartition writer's lists shards).
  listShards: StreamProxy["listShards"] = notScripted;
  getShardIterator: StreamProxy["getShardIterator"] = notScripted;
  getRecords: StreamProxy["getRecords"] = notScripted;
  streamArn: StreamProxy["streamArn"] = notScripted;
  registerConsumer: StreamProxy["registerConsumer"] = notScripted;
  describeConsumer: StreamProxy["describeConsumer"] = notScripted;
  deregisterConsumer: StreamProxy["deregisterConsumer"] = notScripted;
  subscribeToShard: StreamProxy["subscribeToShard"] = notScripted;
}

function notScripted(): never {
  throw new Error("not scripted: the sink only calls PutRecords");
}

/** An error as the SDK throws it for a service exception. */
export function serviceError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} (scripted)`), { name, $metadata: { httpStatusCode: status } });
}
