import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Attributes, BatchWrite, DynamoDbProxy, PutCondition } from "../dynamodb-client.ts";

/** How the scripted table answers one write call: the writes left unprocessed, or a thrown error. */
export type WriteAnswer = readonly BatchWrite[] | Error;

/** A plain view of one write, for assertions. */
export type PlainWrite = { put: Record<string, unknown> } | { delete: Record<string, unknown> };

/**
 * A {@link DynamoDbProxy} over an in-memory table keyed by `id`, whose answers come from `answer`
 * (default: everything processed), for unit tests of the sink without a stand-in. Conditional puts
 * check `version` as `onlyIfNewer` does. With `manual`, calls wait for `release()`.
 */
export class ScriptedTable implements DynamoDbProxy {
  readonly calls: PlainWrite[][] = [];
  readonly items = new Map<string, Record<string, unknown>>();
  closed = false;
  readonly #held: (() => void)[] = [];

  constructor(
    private readonly answer: (writes: readonly PlainWrite[], call: number) => WriteAnswer = () => [],
    private readonly manual = false,
    private readonly key: readonly string[] = ["id"],
  ) {}

  async primaryKey(): Promise<string[]> {
    return [...this.key];
  }

  async batchWrite(_table: string, writes: readonly BatchWrite[]): Promise<BatchWrite[]> {
    const plain = writes.map(toPlain);
    this.calls.push(plain);
    if (this.manual) await new Promise<void>((resolve) => this.#held.push(resolve));
    const answer = this.answer(plain, this.calls.length);
    if (answer instanceof Error) throw answer;
    const left = new Set(answer.map((w) => JSON.stringify(toPlain(w))));
    for (const write of plain) if (!left.has(JSON.stringify(write))) this.#apply(write);
    return [...answer];
  }

  async putIfMatches(_table: string, item: Attributes, condition: PutCondition): Promise<boolean> {
    const write = { put: unmarshall(item) };
    this.calls.push([write]);
    const answer = this.answer([write], this.calls.length);
    if (answer instanceof Error) throw answer;
    const stored = this.items.get(String(write.put.id));
    const newer = condition.values?.[":v"] ? Number(condition.values[":v"].N) : undefined;
    if (stored && (newer === undefined || Number(stored.version) >= newer)) return false;
    this.#apply(write);
    return true;
  }

  async deleteItem(_table: string, key: Attributes): Promise<void> {
    const write = { delete: unmarshall(key) };
    this.calls.push([write]);
    this.#apply(write);
  }

  release(): void {
    for (const answer of this.#held.splice(0)) answer();
  }

  close(): void {
    this.closed = true;
  }

  #apply(write: PlainWrite): void {
    if ("put" in write) this.items.set(String(write.put.id), write.put);
    else this.items.delete(String(write.delete.id));
  }
}

function toPlain(write: BatchWrite): PlainWrite {
  return "put" in write ? { put: unmarshall(write.put) } : { delete: unmarshall(write.delete) };
}

/** An error as the SDK throws it for a service exception. */
export function serviceError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} (scripted)`), { name, $metadata: { httpStatusCode: status } });
}
