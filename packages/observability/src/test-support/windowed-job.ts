import {
  boundedOutOfOrderness,
  type Collector,
  collectSink,
  count,
  type Job,
  type JobResult,
  MemoryCheckpointStore,
  OutputTag,
  pipeline,
  type Sink,
  silentLogger,
  type TimeWindow,
  tumbling,
  VirtualClock,
  type WindowResult,
} from "@eddy/core";
import { type ScriptedSource, scriptedSource } from "./scripted-source.ts";

/** Processing time the fixture starts at: a whole second, so one-second windows start on it. */
export const T0 = 1_700_000_000_000;

/** A small windowed job on virtual time, fed by the test. */
export interface WindowedJob {
  readonly job: Job;
  readonly clock: VirtualClock;
  /** Records are event times (ms); all have one key. */
  readonly source: ScriptedSource<number>;
  readonly out: Collector<WindowResult<string, TimeWindow, number>>;
  readonly late: Collector<number>;
  /** The run, started by the fixture. */
  readonly running: Promise<JobResult>;
}

/**
 * `ticks` → `wm` (bounded out-of-orderness 100 ms) → `counts` (one-second tumbling count, late
 * records to a side output) → `out`, and the late side output → `late-out`; checkpoints in memory,
 * taken on request. The job is running when this returns.
 */
export function startWindowedJob(
  name: string,
  /** More sinks of the windows' results (e.g. dashboard views). */
  alsoTo: readonly Sink<WindowResult<string, TimeWindow, number>>[] = [],
  /** Processing time it starts at: a whole second. */
  start = T0,
): WindowedJob {
  const clock = new VirtualClock(start);
  const source = scriptedSource<number>();
  const out = collectSink<WindowResult<string, TimeWindow, number>>();
  const late = collectSink<number>();
  const lateTag = new OutputTag<number>("late");
  const job = pipeline(name, {
    clock,
    logger: silentLogger,
    stopOnSignals: false,
    checkpoints: { store: new MemoryCheckpointStore() },
  });
  const counts = job
    .source(source, { name: "ticks" })
    .withWatermarks(boundedOutOfOrderness(100), (t) => t, { name: "wm" })
    .keyBy(() => "k")
    .window(tumbling(1_000))
    .sideOutputLateData(lateTag)
    .aggregate(count(), { name: "counts" });
  counts.sink(out.sink, { name: "out" });
  for (const sink of alsoTo) counts.sink(sink);
  counts.getSideOutput(lateTag).sink(late.sink, { name: "late-out" });
  const running = job.run();
  return { job, clock, source, out, late, running };
}
