import type { SplitId } from "../../runtime/elements.ts";
import type { SourceEvent, SplittableSource } from "../../runtime/source.ts";
import type { RepartitionChannel, RepartitionStreamWriter } from "../repartition-channel.ts";

/** The shard of `shards` that key group `group` of `keyGroups` lands in (contiguous ranges, as hash ranges are). */
const shardOf = (group: number, keyGroups: number, shards: number) =>
  Math.floor((group * shards) / keyGroups);

/**
 * A repartition channel in memory, for fast tests of the stage wiring: each stream is `shards`
 * arrays of messages; a reader polls them. `duplicate` decides, per stored message, whether to
 * store it a second time right after (a retried put that had in fact succeeded).
 */
export class MemoryRepartitionChannel implements RepartitionChannel {
  readonly description = "memory";
  readonly streams = new Map<string, Uint8Array[][]>();
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly shards = 2,
    private readonly duplicate: (data: Uint8Array) => boolean = () => false,
  ) {}

  async prepare(stream: string): Promise<void> {
    if (!this.streams.has(stream)) {
      this.streams.set(
        stream,
        Array.from({ length: this.shards }, () => []),
      );
    }
  }

  writer(stream: string, keyGroups: number): RepartitionStreamWriter {
    const store = (shard: number, data: Uint8Array) => {
      const shards = this.#shards(stream);
      shards[shard]!.push(data);
      if (this.duplicate(data)) shards[shard]!.push(data);
    };
    return {
      write: async (messages) => {
        for (const { data, keyGroup } of messages) {
          if (keyGroup !== undefined) store(shardOf(keyGroup, keyGroups, this.shards), data);
          else for (let s = 0; s < this.shards; s++) store(s, data);
        }
        this.#wake();
      },
      close: () => {},
    };
  }

  reader(stream: string): SplittableSource<Uint8Array> {
    const channel = this;
    return {
      name: `memory(${stream})`,
      bounded: false,
      listSplits: ({ keyGroups }) =>
        Array.from({ length: this.shards }, (_, s) => ({
          id: `shard-${s}`,
          keyGroups: Array.from({ length: keyGroups }, (_, g) => g).filter(
            (g) => shardOf(g, keyGroups, this.shards) === s,
          ),
        })),
      open(context) {
        const splits = [
          ...(context.assignedSplits ?? Array.from({ length: channel.shards }, (_, s) => `shard-${s}`)),
        ];
        const positions = new Map<SplitId, number>(
          splits.map((split) => [split, (context.restoredPositions.get(split) as number) ?? 0]),
        );
        let turn = 0;
        return {
          async next(): Promise<SourceEvent<Uint8Array> | undefined> {
            for (;;) {
              if (context.signal.aborted) return undefined;
              for (let i = 0; i < splits.length; i++) {
                const split = splits[(turn + i) % splits.length]!;
                const messages = channel.#shards(stream)[Number(split.slice("shard-".length))]!;
                const from = positions.get(split)!;
                if (from < messages.length) {
                  turn = (turn + i + 1) % splits.length;
                  const values = messages.slice(from, from + 100);
                  positions.set(split, from + values.length);
                  return { kind: "data", split, values, position: from + values.length };
                }
              }
              await new Promise<void>((resolve) => {
                const wake = () => {
                  channel.#waiters.delete(wake);
                  context.signal.removeEventListener("abort", wake);
                  resolve();
                };
                channel.#waiters.add(wake);
                context.signal.addEventListener("abort", wake);
              });
            }
          },
        };
      },
    };
  }

  #shards(stream: string): Uint8Array[][] {
    const shards = this.streams.get(stream);
    if (!shards) throw new Error(`memory repartition stream "${stream}" was not prepared`);
    return shards;
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
