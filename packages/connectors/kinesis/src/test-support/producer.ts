import type { Job, JobResult } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { createStreamProxy, type KinesisConnection, type PutEntry } from "../kinesis-client.ts";

/** One test record: `seq` counts up per key from 0, so order and gaps are easy to check. */
export interface TestEvent {
  readonly key: string;
  readonly seq: number;
  readonly ts?: number;
}

const encoder = new TextEncoder();

/** `count` events spread round-robin over `keys` keys (`k0`…). */
export function testEvents(count: number, keys: number, startSeq: number[] = []): TestEvent[] {
  const next = Array.from({ length: keys }, (_, k) => startSeq[k] ?? 0);
  return Array.from({ length: count }, (_, i) => {
    const k = i % keys;
    return { key: `k${k}`, seq: next[k]!++ };
  });
}

export function jsonEntry(event: TestEvent, explicitHashKey?: string): PutEntry {
  return { data: encoder.encode(JSON.stringify(event)), partitionKey: event.key, explicitHashKey };
}

/**
 * Writes entries straight through the proxy (not through the sink under test), 500 per call, in
 * order per key: the next call starts only when the previous one is stored, and rejected entries
 * are written again before anything else.
 */
export async function produce(
  connection: KinesisConnection,
  stream: string,
  entries: readonly PutEntry[],
): Promise<void> {
  const proxy = createStreamProxy(connection);
  try {
    for (let i = 0; i < entries.length; i += 500) {
      let batch = entries.slice(i, i + 500);
      for (let attempt = 0; batch.length > 0; attempt++) {
        if (attempt > 50) throw new Error("produce: entries keep failing");
        try {
          const failures = await proxy.putRecords(stream, batch);
          batch = failures.map((f) => batch[f.index]!);
        } catch (error) {
          if (attempt > 50) throw error;
        }
        if (batch.length > 0) await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    proxy.close();
  }
}

/**
 * Runs `job` until `condition` holds, then stops it (also when the wait times out or the job
 * fails, so no job outlives its test); rethrows the job's failure.
 */
export async function runUntil(
  job: Job,
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<JobResult> {
  let failure: { error: unknown } | undefined;
  const run = job.run();
  run.catch((error: unknown) => {
    failure = { error };
  });
  try {
    await eventually(async () => failure !== undefined || (await condition()), {
      what,
      timeoutMs,
      intervalMs: 20,
    });
    if (failure) throw failure.error;
  } finally {
    await job.stop();
  }
  return await run;
}
