/** A job whose source is paced on the system clock: between records it waits on a timer only. */
import { collectSink, generatorSource, pipeline, silentLogger } from "../../index.ts";

const count = Number(process.argv[2] ?? 50);
const sink = collectSink<number>();
const job = pipeline("paced", { logger: silentLogger, stopOnSignals: false });
job.source(generatorSource({ count, ratePerSecond: 500, generate: (i) => i })).sink(sink.sink);
await job.run();
console.log(`done ${sink.values().length}`);
