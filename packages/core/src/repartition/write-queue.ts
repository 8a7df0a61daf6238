import type { RepartitionMessage, RepartitionStreamWriter } from "./repartition-channel.ts";

/** A message on its way to the writer sink, with what the sink must remember of it. */
export interface OutgoingMessage extends RepartitionMessage {
  /** For a record: its upstream split and id (the sink tracks the highest id written per split). */
  readonly split?: string;
  readonly id?: number;
  /**
   * A message that makes an earlier one of the same key redundant (a watermark marker for the same
   * splits, higher or equal): a pending one of that key not sent yet is dropped.
   */
  readonly supersedes?: string;
  /**
   * For a marker: records after it may be stored before it (a watermark: they are only less late;
   * `committed`: their ids are above it). Not so for `idle`, `active` and `end`.
   */
  readonly recordsMayPass?: boolean;
}

/**
 * Writes a repartition stream's messages in order, one channel call at a time, and coalesces every
 * message queued while a call runs into the next call: with a stream answering in hundreds of
 * milliseconds, a writer that waited for each write before taking the next made one call per
 * write (markers included) and fell behind.
 *
 * A marker never goes in the same call as a record before it: the channel may store a call's
 * entries out of order (a failed entry is put again after the others), and a marker stored ahead
 * of a record it covers would let the reader drop the record (below a committed floor) or fire a
 * window before it. So the markers after a call's records ride with the next call's records, at
 * its front (those records may pass them, see {@link OutgoingMessage.recordsMayPass}); an `idle`,
 * `active` or `end` marker, which records must not pass, goes in a call of markers only.
 *
 * `enqueue` returns at once while fewer than `maxPending` messages wait (then it waits for the
 * running call: backpressure); a failed call fails the next `enqueue` or `drain`.
 */
export class RepartitionWriteQueue {
  /** Messages not sent yet, in order; `undefined`: dropped, superseded by a later one. */
  #pending: (OutgoingMessage | undefined)[] = [];
  /** Where in `#pending` the latest message of each `supersedes` key is. */
  #latest = new Map<string, number>();
  /** Markers that followed the records of the running call: they go at the front of the next. */
  #carried: OutgoingMessage[] = [];
  /** The loop sending `#pending`, while it runs. */
  #pump: Promise<void> | undefined;
  /** The channel call running. */
  #call: Promise<void> | undefined;
  #failure: { readonly error: unknown } | undefined;
  #stopped = false;

  constructor(
    private readonly writer: RepartitionStreamWriter,
    private readonly maxPending: number,
  ) {}

  /** Queues `messages` after those queued before; a promise only while the queue is full. */
  enqueue(messages: readonly OutgoingMessage[]): Promise<void> | undefined {
    this.#throwIfFailed();
    for (const message of messages) {
      if (message.supersedes !== undefined) {
        const earlier = this.#latest.get(message.supersedes);
        if (earlier !== undefined) this.#pending[earlier] = undefined;
        this.#latest.set(message.supersedes, this.#pending.length);
      }
      this.#pending.push(message);
    }
    if (this.#pump === undefined && !this.#stopped) this.#pump = this.#run();
    return this.#pending.length < this.maxPending ? undefined : this.#room();
  }

  /** Resolves once everything queued is stored; rejects with the error of a failed call. */
  async drain(): Promise<void> {
    while (this.#pump) await this.#pump;
    this.#throwIfFailed();
  }

  /** Sends nothing more (the call running finishes); what is queued is dropped. */
  stop(): void {
    this.#stopped = true;
    this.#pending = [];
    this.#latest.clear();
    this.#carried = [];
  }

  async #run(): Promise<void> {
    // Starts after the current task: the messages of writes queued at once go in one call.
    await null;
    try {
      while ((this.#pending.length > 0 || this.#carried.length > 0) && !this.#stopped) {
        this.#call = this.writer.write(this.#nextCall());
        await this.#call;
      }
    } catch (error) {
      this.#failure ??= { error };
    } finally {
      this.#call = undefined;
      this.#pump = undefined;
    }
  }

  /**
   * The next call: the carried markers, then the pending records up to the first marker records
   * must not pass (the markers records may pass are carried to the call after); or, when that
   * marker is first, it and the markers after it, up to the next record.
   */
  #nextCall(): OutgoingMessage[] {
    const call = this.#carried;
    this.#carried = [];
    const pending = this.#pending;
    let taken = 0;
    let records = 0;
    for (; taken < pending.length; taken++) {
      const message = pending[taken];
      if (message === undefined) continue;
      if (message.keyGroup !== undefined) {
        call.push(message);
        records++;
      } else if (message.recordsMayPass) {
        this.#carried.push(message);
      } else if (records > 0 || this.#carried.length > 0) {
        break;
      } else {
        // Markers only, in their order: the next record waits for the next call.
        call.push(message);
        while (taken + 1 < pending.length && pending[taken + 1]?.keyGroup === undefined) {
          const next = pending[++taken];
          if (next) call.push(next);
        }
        taken++;
        break;
      }
    }
    this.#pending = pending.slice(taken);
    this.#latest.clear();
    for (let i = 0; i < this.#pending.length; i++) {
      const key = this.#pending[i]?.supersedes;
      if (key !== undefined) this.#latest.set(key, i);
    }
    if (records === 0) {
      // Nothing for the carried markers to ride with: they go now.
      call.push(...this.#carried);
      this.#carried = [];
    }
    return call;
  }

  async #room(): Promise<void> {
    // The loop awaited the call first, so it has taken the pending messages when this wakes.
    while (this.#pending.length >= this.maxPending && this.#failure === undefined && this.#pump) {
      if (this.#call) await this.#call.catch(() => {});
      else await null;
    }
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
