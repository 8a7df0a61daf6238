import { gzipSync } from "node:zlib";
import type { ClosedFile } from "./pending-file.ts";
import type { UploadedPart } from "./s3-client.ts";
import type { S3Objects } from "./s3-objects.ts";

/** Uncompressed bytes gathered before they are gzipped as one gzip member. */
const GZIP_CHUNK = 256 * 1024;

/** Starts an upload and counts it, so the sink can bound concurrent uploads and wait for all. */
export type Track = <R>(upload: Promise<R>) => Promise<R>;

/**
 * One part file being written: records are appended in memory; once `multipartPartSize` bytes are
 * ready it becomes a multipart upload to its final key and uploads a part at a time, so memory
 * stays bounded; `close` uploads what is left and yields the file to pre-commit. With gzip, the
 * file is a series of gzip members (a valid .gz that every gunzip reads whole).
 */
export class PartFile {
  readonly openedAt: number;
  lastWriteAt: number;
  /** Bytes written, before compression (the rolling size). */
  size = 0;
  records = 0;
  #ready: Buffer[] = [];
  #readyBytes = 0;
  #chunk: Buffer[] = [];
  #chunkBytes = 0;
  #upload: Promise<{ uploadId: string; markerKey: string }> | undefined;
  #parts: Promise<UploadedPart>[] = [];

  constructor(
    readonly key: string,
    private readonly stagingKey: string,
    private readonly markerKey: string,
    private readonly gzip: boolean,
    private readonly partSize: number,
    private readonly s3: S3Objects,
    private readonly track: Track,
    now: number,
  ) {
    this.openedAt = now;
    this.lastWriteAt = now;
  }

  append(bytes: Buffer, now: number): void {
    this.size += bytes.byteLength;
    this.records++;
    this.lastWriteAt = now;
    if (this.gzip) {
      this.#chunk.push(bytes);
      this.#chunkBytes += bytes.byteLength;
      if (this.#chunkBytes >= GZIP_CHUNK) this.#compressChunk();
    } else {
      this.#ready.push(bytes);
      this.#readyBytes += bytes.byteLength;
    }
    if (this.#readyBytes >= this.partSize) this.#uploadPart();
  }

  /** Uploads the rest; resolves with the file, invisible until committed. */
  async close(): Promise<ClosedFile> {
    if (this.gzip) this.#compressChunk();
    if (this.#upload === undefined) {
      const body = Buffer.concat(this.#ready);
      this.#ready = [];
      await this.track(this.s3.put(this.stagingKey, body));
      return { kind: "staged", key: this.key, stagingKey: this.stagingKey, records: this.records };
    }
    if (this.#readyBytes > 0) this.#uploadPart();
    const { uploadId, markerKey } = await this.#upload;
    const parts = await Promise.all(this.#parts);
    return { kind: "multipart", key: this.key, uploadId, parts, markerKey, records: this.records };
  }

  #compressChunk(): void {
    if (this.#chunkBytes === 0) return;
    const member = gzipSync(Buffer.concat(this.#chunk));
    this.#chunk = [];
    this.#chunkBytes = 0;
    this.#ready.push(member);
    this.#readyBytes += member.byteLength;
  }

  #uploadPart(): void {
    const body = Buffer.concat(this.#ready);
    this.#ready = [];
    this.#readyBytes = 0;
    this.#upload ??= this.track(
      (async () => {
        const uploadId = await this.s3.startMultipart(this.key);
        // Name the upload in the staging area first: a restart that finds it uncovered aborts it.
        await this.s3.put(this.markerKey, Buffer.from(JSON.stringify({ key: this.key, uploadId })));
        return { uploadId, markerKey: this.markerKey };
      })(),
    );
    const partNumber = this.#parts.length + 1;
    const upload = this.#upload;
    this.#parts.push(
      this.track(upload.then(({ uploadId }) => this.s3.uploadPart(this.key, uploadId, partNumber, body))),
    );
  }
}
