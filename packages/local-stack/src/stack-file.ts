import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** What `pnpm stack` writes for apps and tests: where each stand-in listens. */
export interface StackEndpoints {
  readonly note: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly kinesis: string;
  readonly dynamodb: string;
  readonly s3: string;
  readonly firehose: string;
  readonly redis: string;
  /** A bucket created at startup, for quick experiments. */
  readonly bucket: string;
  /** The stack process; the file is stale once it has exited. */
  readonly pid: number;
  readonly startedAt: string;
}

/** The repository root: the nearest directory up from `from` holding pnpm-workspace.yaml. */
export function repoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/** `.eddy/stack.json` at the repository root. */
export function stackFilePath(from?: string): string {
  return join(repoRoot(from), ".eddy", "stack.json");
}

export async function writeStackFile(endpoints: StackEndpoints, path = stackFilePath()): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(endpoints, null, 2)}\n`);
  return path;
}

export async function removeStackFile(path = stackFilePath()): Promise<void> {
  await rm(path, { force: true });
}

/**
 * The endpoints of a running `pnpm stack`, or `undefined` when none is running (no file, or the
 * process that wrote it has exited).
 *
 * @example
 * const stack = await readStackFile();
 * const client = new DynamoDBClient(stack ? { endpoint: stack.dynamodb, region: stack.region, credentials: stack.credentials } : {});
 */
export async function readStackFile(path = stackFilePath()): Promise<StackEndpoints | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const endpoints = JSON.parse(text) as StackEndpoints;
  try {
    process.kill(endpoints.pid, 0);
  } catch {
    return undefined;
  }
  return endpoints;
}
