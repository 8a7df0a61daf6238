import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChildServer } from "./child-process.ts";
import { packageDir } from "./package-dir.ts";
import { portOr } from "./ports.ts";

/** A running s3rver. */
export interface LocalS3 {
  readonly endpoint: string;
  readonly port: number;
  /** Where it keeps objects (removed on stop unless it was given). */
  readonly directory: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver (S3's REST protocol, objects on disk) as a child process on 127.0.0.1. It needs
 * Node's legacy OpenSSL provider (else ListObjectsV2 paging answers 500) and accepts only the
 * credentials S3RVER/S3RVER (see {@link localS3ClientConfig}).
 */
export async function startLocalS3(options: { port?: number; directory?: string } = {}): Promise<LocalS3> {
  const port = await portOr(options.port);
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "eddy-s3-")));
  const bin = join(packageDir("s3rver"), "bin", "s3rver.js");
  const child = await startChildServer(
    "s3rver",
    process.execPath,
    [
      "--openssl-legacy-provider",
      bin,
      "-d",
      directory,
      "-a",
      "127.0.0.1",
      "-p",
      String(port),
      "--silent",
      "--no-vhost-buckets",
    ],
    { port },
  );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory,
    async stop() {
      await child.stop();
      if (!options.directory) await rm(directory, { recursive: true, force: true });
    },
  };
}
