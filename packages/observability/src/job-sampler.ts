import type { Cancel, Job } from "@eddy/core";
import { type JobReading, readJob, type WatermarkReading } from "./job-reading.ts";

/**
 * Rates of one node between two samples.
 *
 * @example
 * new JobSampler(job).start().subscribe((s) => console.log(s.rates["page-counts"]?.in));
 */
export interface NodeRates {
  /** Records received per second. */
  readonly in: number;
  /** Records sent on the main output per second. */
  readonly out: number;
  /** Sources: share of the interval spent waiting on downstream (0..1). */
  readonly backPressure: number;
  /** Sinks: share of the interval with a write in flight (0..1). */
  readonly busy: number;
}

/**
 * The job as a whole in one sample: what came in, what went out, how far event time got.
 *
 * @example
 * new JobSampler(job).start().subscribe(({ totals }) => console.log(totals.recordsInPerSecond, totals.watermarkLagMs));
 */
export interface JobTotals {
  /** Records read by all sources. */
  readonly recordsIn: number;
  /** Records written by all sinks. */
  readonly recordsOut: number;
  /** Records read per second by all sources. */
  readonly recordsInPerSecond: number;
  /** Records written per second by all sinks. */
  readonly recordsOutPerSecond: number;
  /** The output watermark: the lowest over sinks that receive watermarks. */
  readonly watermark: WatermarkReading;
  /** Processing time minus the output watermark (ms), when it is a time. */
  readonly watermarkLagMs: number | undefined;
  /** The highest backpressure share over sources (0..1). */
  readonly backPressure: number;
  /** Late records side-output and dropped, over all operators. */
  readonly lateRecords: number;
  /** Late records dropped (operators without a late side output). */
  readonly lateRecordsDropped: number;
}

/**
 * A reading with the rates since the sample before it.
 *
 * @example
 * const sampler = new JobSampler(job).start();
 * const latest: JobSample | undefined = sampler.latest;
 */
export interface JobSample {
  /** The counters as read. */
  readonly reading: JobReading;
  /** By node id. */
  readonly rates: Readonly<Record<string, NodeRates>>;
  /** Records per second along each edge, in the order of `reading.edges`. */
  readonly edgeRates: readonly number[];
  /** The job as a whole. */
  readonly totals: JobTotals;
}

/**
 * Options of {@link JobSampler}; defaults in {@link SAMPLER_DEFAULTS}.
 *
 * @example
 * const everyFiveSeconds: SamplerOptions = { every: 5_000, keep: 60 };
 */
export interface SamplerOptions {
  /** Interval between samples (ms of the job's processing time). */
  readonly every?: number;
  /** Samples kept for charts that show recent history. */
  readonly keep?: number;
}

/**
 * Defaults of {@link SamplerOptions}: a sample a second, the last five minutes kept.
 *
 * @example
 * const keptMs = SAMPLER_DEFAULTS.every * SAMPLER_DEFAULTS.keep; // 300 000
 */
export const SAMPLER_DEFAULTS = {
  /** One sample a second. */
  every: 1_000,
  /** Five minutes of samples. */
  keep: 300,
} as const;

/**
 * Reads a job at a fixed interval of its processing time and turns counters into rates: the rate
 * of a counter is its change since the previous sample divided by the time between them (the
 * first sample divides by the time since the job started). This is the only thing that runs
 * periodically for observability; the job's record path only increments counters.
 *
 * @example
 * const sampler = new JobSampler(job, { every: 1000 }).start();
 * sampler.subscribe((s) => console.log(s.totals.recordsInPerSecond));
 */
export class JobSampler {
  readonly #job: Job;
  readonly #every: number;
  readonly #keep: number;
  readonly #samples: JobSample[] = [];
  readonly #listeners = new Set<(sample: JobSample) => void>();
  #cancel: Cancel | undefined;

  /**
   * @param job the job to read
   * @param options interval and history; see {@link SAMPLER_DEFAULTS}
   * @throws RangeError when `every` is not > 0 or `keep` not a positive integer
   */
  constructor(job: Job, options: SamplerOptions = {}) {
    this.#job = job;
    this.#every = options.every ?? SAMPLER_DEFAULTS.every;
    this.#keep = options.keep ?? SAMPLER_DEFAULTS.keep;
    if (!(this.#every > 0)) throw new RangeError(`JobSampler: every must be > 0 ms, got ${this.#every}`);
    if (!(Number.isInteger(this.#keep) && this.#keep >= 1)) {
      throw new RangeError(`JobSampler: keep must be a positive integer, got ${this.#keep}`);
    }
  }

  /** The recent samples, oldest first. */
  get samples(): readonly JobSample[] {
    return this.#samples;
  }

  /** The newest sample, if any was taken. */
  get latest(): JobSample | undefined {
    return this.#samples.at(-1);
  }

  /** Takes a sample now and tells the listeners. */
  sample(): JobSample {
    const reading = readJob(this.#job);
    const sample = sampleFrom(reading, this.#samples.at(-1)?.reading);
    this.#samples.push(sample);
    if (this.#samples.length > this.#keep) this.#samples.shift();
    for (const listener of this.#listeners) listener(sample);
    return sample;
  }

  /** Samples every `every` ms of the job's clock until {@link stop}. */
  start(): this {
    if (this.#cancel) return this;
    const clock = this.#job.clock;
    const tick = () => {
      this.sample();
      this.#cancel = clock.schedule(clock.now() + this.#every, tick);
    };
    this.#cancel = clock.schedule(clock.now() + this.#every, tick);
    return this;
  }

  /** Stops sampling (samples already taken stay). */
  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  /** Calls `listener` with every new sample; returns how to stop. */
  subscribe(listener: (sample: JobSample) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The rates between `previous` and `reading` (or since the job started, without `previous`). */
export function sampleFrom(reading: JobReading, previous: JobReading | undefined): JobSample {
  const since = previous?.time ?? reading.startedAt ?? reading.time;
  const seconds = (reading.time - since) / 1000;
  const before = new Map(previous?.nodes.map((n) => [n.id, n]));
  const perSecond = (now: number, then: number) => (seconds > 0 ? Math.max(0, now - then) / seconds : 0);
  const share = (now: number, then: number) =>
    seconds > 0 ? Math.min(1, Math.max(0, now - then) / (seconds * 1000)) : 0;

  const rates: Record<string, NodeRates> = {};
  let recordsIn = 0;
  let recordsOut = 0;
  let inPerSecond = 0;
  let outPerSecond = 0;
  let backPressure = 0;
  let lateRecords = 0;
  let lateRecordsDropped = 0;
  let watermark: WatermarkReading;
  for (const node of reading.nodes) {
    const then = before.get(node.id);
    const r: NodeRates = {
      in: perSecond(node.recordsIn, then?.recordsIn ?? 0),
      out: perSecond(node.recordsOut, then?.recordsOut ?? 0),
      backPressure: share(node.backPressuredTimeMs, then?.backPressuredTimeMs ?? 0),
      busy: share(node.busyTimeMs, then?.busyTimeMs ?? 0),
    };
    rates[node.id] = r;
    lateRecords += node.lateRecordsSideOutput + node.lateRecordsDropped;
    lateRecordsDropped += node.lateRecordsDropped;
    if (node.kind === "source") {
      recordsIn += node.recordsOut;
      inPerSecond += r.out;
      backPressure = Math.max(backPressure, r.backPressure);
    } else if (node.kind === "sink") {
      recordsOut += node.recordsIn;
      outPerSecond += r.in;
      watermark = lowerWatermark(watermark, node.watermark);
    }
  }
  const edgesBefore = previous?.edges;
  const edgeRates = reading.edges.map((e, i) =>
    perSecond(e.records, edgesBefore?.[i]?.to === e.to ? edgesBefore[i]!.records : 0),
  );
  return {
    reading,
    rates,
    edgeRates,
    totals: {
      recordsIn,
      recordsOut,
      recordsInPerSecond: inPerSecond,
      recordsOutPerSecond: outPerSecond,
      watermark,
      watermarkLagMs: typeof watermark === "number" ? reading.time - watermark : undefined,
      backPressure,
      lateRecords,
      lateRecordsDropped,
    },
  };
}

/** The lower of two watermarks; a sink without one does not count. */
function lowerWatermark(a: WatermarkReading, b: WatermarkReading): WatermarkReading {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === "end") return b;
  if (b === "end") return a;
  return Math.min(a, b);
}
