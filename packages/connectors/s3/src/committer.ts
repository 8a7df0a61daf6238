import type { PendingFile, UploadMarker } from "./pending-file.ts";
import type { S3Objects } from "./s3-objects.ts";

/**
 * Makes pre-committed part files visible, and clears what a crashed run left in the staging area.
 * Every step is idempotent, so a commit interrupted by a crash is simply done again on restore.
 */
export class Committer {
  constructor(
    private readonly s3: S3Objects,
    private readonly stagingPrefix: string,
    private readonly concurrency: number,
  ) {}

  /** Makes `files` visible: copies staged objects to their keys, completes multipart uploads. */
  async commit(files: readonly PendingFile[]): Promise<void> {
    await forEachLimited(files, this.concurrency, (file) => this.#commitOne(file));
  }

  /**
   * Deletes every staged object and aborts every multipart upload in the staging area. Called on
   * start, after the restored checkpoint's files are committed: what is left was written after that
   * checkpoint, and the records in it will be written again.
   */
  async clearStaging(): Promise<{ deleted: number; abortRefused: number }> {
    const keys = await this.s3.listAll(this.stagingPrefix);
    let abortRefused = 0;
    await forEachLimited(keys, this.concurrency, async (key) => {
      if (key.endsWith(".upload")) {
        const marker = JSON.parse(await this.s3.readText(key)) as UploadMarker;
        if (!(await this.s3.abortMultipart(marker.key, marker.uploadId))) abortRefused++;
      }
      await this.s3.delete(key);
    });
    return { deleted: keys.length, abortRefused };
  }

  async #commitOne(file: PendingFile): Promise<void> {
    if (file.kind === "staged") {
      const copied = await this.s3.copy(file.stagingKey, file.key);
      if (!copied && !(await this.s3.exists(file.key))) {
        throw new Error(
          `s3://${this.s3.bucket}/${file.stagingKey} is gone before it was committed to ${file.key}: ${file.records} records are lost (was the staging prefix shared or cleaned?)`,
        );
      }
      await this.s3.delete(file.stagingKey);
      return;
    }
    await this.s3.completeMultipart(file.key, file.uploadId, file.parts);
    await this.s3.delete(file.markerKey);
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
