import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChildServer } from "./child-process.ts";
import { packageDir } from "./package-dir.ts";
import { portOr } from "./ports.ts";
import { startS3ConditionalWrites } from "./s3-conditional/conditional-writes-server.ts";

/** A running s3rver. */
export interface LocalS3 {
  /** Where clients connect: the conditional-write layer, or s3rver itself without it. */
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
 *
 * s3rver ignores `If-Match` and `If-None-Match` on writes; S3 honours them. So by default clients
 * reach it through a layer in this process that gives it S3's conditional writes
 * (`startS3ConditionalWrites`), listening on `port`; `conditionalWrites: false` exposes s3rver
 * alone.
 */
export async function startLocalS3(
  options: { port?: number; directory?: string; conditionalWrites?: boolean } = {},
): Promise<LocalS3> {
  const layered = options.conditionalWrites ?? true;
  const port = await portOr(layered ? undefined : options.port);
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
  const front = layered
    ? await startS3ConditionalWrites({ target: `http://127.0.0.1:${port}`, port: options.port }).catch(
        async (error: unknown) => {
          await child.stop();
          throw error;
        },
      )
    : undefined;
  return {
    endpoint: front?.endpoint ?? `http://127.0.0.1:${port}`,
    port: front?.port ?? port,
    directory,
    async stop() {
      await front?.stop();
      await child.stop();
      if (!options.directory) await rm(directory, { recursive: true, force: true });
    },
  };
}
