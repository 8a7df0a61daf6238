import { join } from "node:path";
import { type DataStream, jsonLinesSink, type Sink } from "@eddy/core";
import type { Connections } from "./connections.ts";
import type { Runtime } from "./runtime.ts";

/** How one stream of an app can be written: each sink the runtime has enabled is made. */
export interface StreamOutputs<T> {
  /** The stream's name: its directory under `--out`, and the prefix of its sinks' names. */
  readonly stream: string;
  /** Each factory gets the sink's name, `<stream>-<kind>`, to pass to the sink's `name` option. */
  readonly console?: (name: string) => Sink<T>;
  readonly dynamodb?: (connections: Connections, name: string) => Sink<T>;
  readonly firehose?: (connections: Connections, name: string) => Sink<T>;
  /** Write the stream to `--out/<stream>` when the `files` sink is on (default true). */
  readonly files?: boolean;
}

/**
 * The sinks of one stream under the runtime's choices, named `<stream>-<kind>` so checkpoints
 * find them again. `files` writes JSON lines exactly once (visible at each checkpoint); a fresh
 * start replaces what an earlier run wrote there.
 */
export function outputsOf<T>(runtime: Runtime, outputs: StreamOutputs<T>): Sink<T>[] {
  const sinks: Sink<T>[] = [];
  const name = (kind: string) => `${outputs.stream}-${kind}`;
  const { connections, sinks: enabled } = runtime;
  if (enabled.has("console") && outputs.console) sinks.push(outputs.console(name("console")));
  if (enabled.has("files") && outputs.files !== false) {
    const directory = join(runtime.out, outputs.stream);
    sinks.push(jsonLinesSink<T>(directory, { name: name("files"), overwrite: true }));
  }
  if (connections && enabled.has("dynamodb") && outputs.dynamodb) {
    sinks.push(outputs.dynamodb(connections, name("dynamodb")));
  }
  if (connections && enabled.has("firehose") && outputs.firehose) {
    sinks.push(outputs.firehose(connections, name("firehose")));
  }
  return sinks;
}

/** Sends `stream` to every sink, each under its own name (stable across runs, for checkpoints). */
export function sinkAll<T>(stream: DataStream<T>, sinks: readonly Sink<T>[]): void {
  for (const sink of sinks) stream.sink(sink, { name: sink.name });
}
