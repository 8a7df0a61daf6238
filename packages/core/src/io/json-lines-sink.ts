import { randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Sink, SinkContext, SinkWriter } from "../runtime/sink.ts";
import { writerToken } from "../runtime/writer-token.ts";

/**
 * Options of {@link jsonLinesSink}.
 *
 * @example
 * const options: JsonLinesSinkOptions = { name: "large-orders", overwrite: true };
 * orders.sink(jsonLinesSink("out/large-orders", options));
 */
export interface JsonLinesSinkOptions {
  /** Names the sink in messages (default `"json-lines"`). */
  readonly name?: string;
  /**
   * On a fresh start (no checkpoint restored) the directory must not hold parts committed by an
   * earlier run, or the job fails rather than mix two runs' output. `true` removes them instead.
   * Default `false`.
   */
  readonly overwrite?: boolean;
}

/**
 * A part file closed at a checkpoint barrier and waiting for that checkpoint to complete: what
 * a {@link jsonLinesSink} keeps in checkpoints. File names are relative to the directory.
 *
 * @example
 * const part: PendingPart = {
 *   checkpointId: 7,
 *   inProgress: ".part-3f2a.inprogress",
 *   committed: "part-0000000000000007-checkpoint.jsonl",
 * };
 */
export interface PendingPart {
  /** The checkpoint whose barrier closed the part; it is committed when that checkpoint completes. */
  readonly checkpointId: number;
  /** The hidden file the lines were written to. */
  readonly inProgress: string;
  /** The name it is renamed to on commit. */
  readonly committed: string;
}

/** A committed part: `part-[<worker>~<incarnation>-]<checkpoint id>-(checkpoint|final).jsonl`. */
const PART = /^part-(?:([A-Za-z0-9_-]+)~\d{10}-)?(\d{16})-(checkpoint|final)\.jsonl$/;
const IN_PROGRESS = /^\.part-.*\.inprogress$/;

const pad = (id: number) => String(id).padStart(16, "0");

/**
 * What a sink's file names start with after `part-`: nothing on a single process; on one of
 * several workers the worker's id (encoded for file names, one-to-one) and the process's
 * incarnation, so no two writers ever pick the same name and each knows its own staged files.
 */
function writerTag(writer: SinkWriter | undefined): string {
  return writer ? `${writerToken(writer.workerId)}~${String(writer.incarnation).padStart(10, "0")}-` : "";
}

/**
 * Writes records as JSON lines into the directory `path`, **exactly-once** through a two-phase
 * commit, like Flink's `FileSink`: a restored job neither loses nor repeats a line, whatever
 * point it crashed at.
 *
 * Layout of `path` (created if missing; one sink per directory):
 * - `part-<checkpoint id, 16 digits>-checkpoint.jsonl`: committed lines written before the
 *   barrier of that checkpoint and after the one before; `part-<id>-final.jsonl`: the lines after
 *   the last barrier of a bounded input. In name order the parts hold the output in order, so
 *   `cat path/part-*.jsonl` reads it all.
 * - `.part-<…>.inprogress`: hidden, uncommitted; readers ignore them.
 *
 * Protocol: writes go to an in-progress part. At a barrier (`snapshot`) the part is fsync'ed and
 * closed, and the parts not yet committed go into the checkpoint as {@link PendingPart}s. When
 * the checkpoint is durable (`notifyCheckpointComplete`) its parts are committed by an atomic
 * rename. At the end of a bounded input (`finish`) everything is committed.
 *
 * Recovery (`open` with a restored checkpoint R): the restored pending parts are committed again
 * (a rename that already happened is recognised, so this is idempotent); every other in-progress
 * file is deleted, as its lines are replayed; and committed parts that R does not cover (a later
 * checkpoint's or a final part) are deleted too, since the replay writes them again. Restoring
 * an older checkpoint or savepoint thus rolls the directory back to it. On a fresh start the
 * directory must hold no committed parts (see `overwrite`).
 *
 * On several workers (a job with `cluster`), each worker is a writer of its own, as a subtask of
 * Flink's `FileSink`: its part names carry its worker id and process incarnation
 * (`part-<worker>~<incarnation>-<id>-checkpoint.jsonl`, `.part-<worker>~…inprogress`); a part is
 * committed only after the checkpoint's fenced publish succeeded; on open a worker commits what
 * its own last published checkpoint and the other workers' last publishes list (idempotently,
 * several may do it at once), deletes only its own in-progress files, and never deletes a
 * committed part — with no checkpoint of its own, committed parts of its worker id are from an
 * earlier run (`overwrite` applies to those). Name order then holds each writer's output in
 * order; the directory holds the same lines as a run on one worker.
 *
 * Lines become visible only when a checkpoint completes (or the input ends), so without
 * checkpoints an unbounded job writes nothing visible. Each record is `JSON.stringify`'d: values
 * it cannot represent (`undefined`, functions, bigint) fail the job.
 *
 * @example
 * const job = pipeline("orders", { checkpoints: { every: seconds(10), store } });
 * job
 *   .source(jsonLinesSource("orders.jsonl", { decode: (json) => json as Order }))
 *   .filter((o) => o.amount > 100)
 *   .sink(jsonLinesSink("out/large-orders"));
 * await job.run();
 * // out/large-orders/part-0000000000000001-checkpoint.jsonl, …
 */
export function jsonLinesSink<T>(path: string, options: JsonLinesSinkOptions = {}): Sink<T> {
  const owner = `jsonLinesSink(${path})`;
  let current: { handle: FileHandle; name: string } | undefined;
  let pending: PendingPart[] = [];
  /** The last barrier seen (or the restored checkpoint): names the part that follows it. */
  let lastCheckpoint = 0;
  /** Starts this writer's file names after `part-` (empty on a single process). */
  let tag = "";
  /** The committed name of the part closed at barrier `checkpointId`. */
  const checkpointPart = (checkpointId: number) => `part-${tag}${pad(checkpointId)}-checkpoint.jsonl`;
  /** The committed name of the part a bounded input ends with, after the barrier of `lastCheckpointId`. */
  const finalPart = (lastCheckpointId: number) => `part-${tag}${pad(lastCheckpointId)}-final.jsonl`;

  const commit = async (part: PendingPart) => {
    try {
      await rename(join(path, part.inProgress), join(path, part.committed));
    } catch (error) {
      if (!isMissing(error)) throw error;
      if (await exists(join(path, part.committed))) return;
      throw new Error(
        `${owner}: part ${part.inProgress} of checkpoint ${part.checkpointId} is neither in progress nor committed; its lines are lost`,
        { cause: error },
      );
    }
  };

  const closeCurrent = async (): Promise<string | undefined> => {
    if (!current) return undefined;
    const { handle, name } = current;
    current = undefined;
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return name;
  };

  /** One of several writers: commit what was published, delete only this worker's in-progress files. */
  const openAsOneOf = async (context: SinkContext, writer: SinkWriter) => {
    for (const part of pendingPartsOf(context.restoredState, owner)) await commit(part);
    for (const state of writer.othersPending) {
      for (const part of pendingPartsOf(state, owner)) await commit(part);
    }
    const ownWorker = writerToken(writer.workerId);
    for (const file of await readdir(path)) {
      if (IN_PROGRESS.test(file)) {
        if (file.startsWith(`.part-${ownWorker}~`)) await unlink(join(path, file));
        continue;
      }
      // Without a published checkpoint of its own, this worker committed nothing in this run of
      // the job: parts under its id are an earlier run's.
      if (context.restoredState !== undefined || PART.exec(file)?.[1] !== ownWorker) continue;
      if (!options.overwrite) {
        throw new Error(
          `${owner}: the directory holds parts worker "${writer.workerId}" committed in an earlier run (${file}); remove them, or set overwrite: true`,
        );
      }
      await unlink(join(path, file));
    }
  };

  return {
    name: options.name ?? "json-lines",
    severalWriters: true,

    async open(context: SinkContext) {
      await mkdir(path, { recursive: true });
      const restoredId = context.restoredCheckpointId;
      tag = writerTag(context.writer);
      if (context.writer) {
        await openAsOneOf(context, context.writer);
        await syncDirectory(path);
        pending = [];
        lastCheckpoint = restoredId ?? 0;
        return;
      }
      for (const part of pendingPartsOf(context.restoredState, owner)) await commit(part);
      for (const file of await readdir(path)) {
        if (IN_PROGRESS.test(file)) {
          await unlink(join(path, file));
          continue;
        }
        const match = PART.exec(file);
        if (!match) continue;
        if (restoredId === undefined) {
          if (!options.overwrite) {
            throw new Error(
              `${owner}: the directory holds parts committed by an earlier run (${file}); remove them, restore from a checkpoint, or set overwrite: true`,
            );
          }
          await unlink(join(path, file));
        } else if (match[1] === undefined && (match[3] === "final" || Number(match[2]) > restoredId)) {
          // Written after the restored checkpoint: the replay writes it again. (Parts named by a
          // writer come from a run on several workers, whose ids are per writer: never rolled back.)
          await unlink(join(path, file));
        }
      }
      await syncDirectory(path);
      pending = [];
      lastCheckpoint = restoredId ?? 0;
    },

    async write(values: T[]) {
      let text = "";
      for (let i = 0; i < values.length; i++) {
        const json = JSON.stringify(values[i]);
        if (json === undefined) throw new Error(`${owner}: cannot write ${String(values[i])} as JSON`);
        text += json + "\n";
      }
      if (!current) {
        const name = `.part-${tag}${pad(lastCheckpoint)}-${randomUUID()}.inprogress`;
        current = { handle: await open(join(path, name), "wx"), name };
      }
      await current.handle.appendFile(text);
    },

    async snapshot(checkpointId: number): Promise<PendingPart[]> {
      const closed = await closeCurrent();
      if (closed !== undefined) {
        pending.push({ checkpointId, inProgress: closed, committed: checkpointPart(checkpointId) });
      }
      lastCheckpoint = checkpointId;
      return pending.map((part) => ({ ...part }));
    },

    async notifyCheckpointComplete(checkpointId: number) {
      const ready = pending.filter((part) => part.checkpointId <= checkpointId);
      if (ready.length === 0) return;
      for (const part of ready) await commit(part);
      pending = pending.filter((part) => part.checkpointId > checkpointId);
      await syncDirectory(path);
    },

    async finish() {
      const closed = await closeCurrent();
      if (closed !== undefined) {
        pending.push({
          checkpointId: lastCheckpoint,
          inProgress: closed,
          committed: finalPart(lastCheckpoint),
        });
      }
      for (const part of pending) await commit(part);
      pending = [];
      await syncDirectory(path);
    },

    async close() {
      // Uncommitted lines stay in their in-progress file: the next `open` deletes or commits it.
      await current?.handle.close();
      current = undefined;
    },
  };
}

function pendingPartsOf(state: unknown, owner: string): PendingPart[] {
  if (state === undefined) return [];
  const valid =
    Array.isArray(state) &&
    state.every(
      (part: Partial<PendingPart> | null) =>
        typeof part === "object" &&
        part !== null &&
        typeof part.checkpointId === "number" &&
        typeof part.inProgress === "string" &&
        IN_PROGRESS.test(part.inProgress) &&
        typeof part.committed === "string" &&
        PART.test(part.committed),
    );
  if (!valid) throw new Error(`${owner}: the checkpoint's sink state is not a list of pending parts`);
  return state as PendingPart[];
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Makes renames and deletions in `dir` durable; skipped where directories cannot be fsync'ed. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await handle?.close();
  }
}
