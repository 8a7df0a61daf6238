import type { FirehoseProxy, RecordFailure } from "../firehose-client.ts";

/** How the scripted Firehose answers one PutRecordBatch call: failures by index, or a thrown error. */
export type PutRecordBatchAnswer = readonly RecordFailure[] | Error;

/**
 * A {@link FirehoseProxy} whose answers come from `answer` (default: every record taken), for unit
 * tests of the sink without a stand-in; it records each call and the records taken. With `manual`,
 * calls wait for `release()`.
 */
export class ScriptedFirehose implements FirehoseProxy {
  readonly calls: string[][] = [];
  readonly taken: string[] = [];
  closed = false;
  readonly #held: (() => void)[] = [];

  constructor(
    private readonly answer: (records: readonly string[], call: number) => PutRecordBatchAnswer = () => [],
    private readonly manual = false,
  ) {}

  async putRecordBatch(_stream: string, records: readonly Uint8Array[]): Promise<RecordFailure[]> {
    const texts = records.map((r) => new TextDecoder().decode(r).trimEnd());
    this.calls.push(texts);
    if (this.manual) await new Promise<void>((resolve) => this.#held.push(resolve));
    const answer = this.answer(texts, this.calls.length);
    if (answer instanceof Error) throw answer;
    const failed = new Set(answer.map((f) => f.index));
    texts.forEach((text, i) => {
      if (!failed.has(i)) this.taken.push(text);
    });
    return [...answer];
  }

  release(): void {
    for (const answer of this.#held.splice(0)) answer();
  }

  get held(): number {
    return this.#held.length;
  }

  close(): void {
    this.closed = true;
  }
}

/** An error as the SDK throws it for a service exception. */
export function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (scripted)`), { name, $metadata: { httpStatusCode: status } });
}
