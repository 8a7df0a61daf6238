import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { localClientConfig } from "@eddy/local-stack";
import type { TestStack } from "@eddy/local-stack/testing";

/** Every item of a table, unmarshalled; `[]` while the table does not exist yet. */
export async function scanTable(stack: TestStack, table: string): Promise<Record<string, unknown>[]> {
  const client = new DynamoDBClient(localClientConfig(stack.endpoints.dynamodb));
  const items: Record<string, unknown>[] = [];
  try {
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) items.push(unmarshall(item));
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return [];
    throw error;
  } finally {
    client.destroy();
  }
  return items;
}

/** The JSON lines Firehose has delivered under `prefix` so far (after delivering what it buffers). */
export async function deliveredLines<T>(stack: TestStack, prefix: string): Promise<T[]> {
  await stack.firehose.drain();
  const objects = await stack.s3.readAll(stack.endpoints.bucket, prefix);
  return objects.flatMap((o) =>
    o.text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as T),
  );
}

/** The committed JSON lines of a `files` sink directory (in-progress parts are not read). */
export async function committedLines<T>(directory: string): Promise<T[]> {
  let files: string[];
  try {
    files = (await readdir(directory)).filter((f) => /^part-.*\.jsonl$/.test(f)).sort();
  } catch {
    return [];
  }
  const lines: T[] = [];
  for (const file of files) {
    const text = await readFile(join(directory, file), "utf8");
    for (const line of text.split("\n")) if (line !== "") lines.push(JSON.parse(line) as T);
  }
  return lines;
}
