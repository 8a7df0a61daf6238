/**
 * A runnable example: starts a local Kinesis stand-in (kinesalite, in this process), writes
 * clicks to a stream with `kinesisSink` while a job counts them per page and second with
 * `kinesisSource`, on event time from the records' arrival time, with a checkpoint every second.
 *
 *   tsx packages/connectors/kinesis/examples/clicks-per-second.ts
 *
 * Against AWS: drop the stand-in and pass `connection: { region: "eu-west-1" }` (or nothing, to use
 * the SDK's default region and credentials chain).
 */

import {
  boundedOutOfOrderness,
  count,
  MemoryCheckpointStore,
  pipeline,
  seconds,
  silentLogger,
  systemClock,
  tumbling,
} from "@eddy/core";
import { sinkContext } from "@eddy/core/testing";
import { json, kinesisSink, kinesisSource } from "../src/index.ts";
import { startKinesalite } from "../src/test-support/local-kinesis.ts";

interface Click {
  readonly page: string;
  readonly user: string;
}

const kinesis = await startKinesalite();
try {
  const stream = await kinesis.createStream("clicks", 2);
  const { connection } = kinesis;

  // 1. A producer: 100 clicks every 100 ms for five seconds, through the sink (used directly here).
  const pages = ["/", "/pricing", "/docs", "/blog"];
  const sink = kinesisSink<Click>({ stream, connection, partitionKey: (c) => c.user, maxTimeInBufferMS: 50 });
  await sink.open?.(sinkContext({ clock: systemClock }));
  let written = 0;
  const producing = (async () => {
    for (let batch = 0; batch < 50; batch++) {
      const clicks = Array.from({ length: 100 }, (_, i) => ({
        page: pages[i % 4]!,
        user: `u${(batch * 100 + i) % 97}`,
      }));
      await sink.write(clicks, []);
      written += clicks.length;
      await new Promise((r) => setTimeout(r, 100));
    }
    await sink.finish?.();
    await sink.close?.();
  })();

  // 2. Count clicks per page and second of arrival, idle shards left out of the watermark.
  const source = kinesisSource({
    stream,
    connection,
    decode: json<Click>(),
    initialPosition: "TRIM_HORIZON",
    shardIdleTimeoutMs: 500,
  });
  let counted = 0;
  const reader = pipeline("clicks-per-second", {
    logger: silentLogger,
    checkpoints: { every: seconds(1), store: new MemoryCheckpointStore() },
  });
  const records = reader.source(source, { name: "clicks" });
  records
    .withWatermarks(boundedOutOfOrderness(seconds(1)))
    .keyBy((c) => c.page)
    .window(tumbling(seconds(1)))
    .aggregate(count())
    .sink({
      name: "print",
      write(results) {
        for (const r of results) {
          counted += r.value;
          console.log(`${new Date(r.window.start).toISOString()} ${r.key.padEnd(9)} ${r.value}`);
        }
      },
    });
  records.getSideOutput(source.deadLetters).sink({
    name: "dead-letters",
    write: (letters) => console.log(`dead letters: ${letters.map((l) => l.error).join("; ")}`),
  });

  // 3. Run until the producer is done and the last complete second is counted, then stop.
  const running = reader.run();
  await producing;
  await new Promise((r) => setTimeout(r, 2_000));
  await reader.stop();
  await running;
  // The last second or two stay open: their windows close only when later clicks move the watermark on.
  console.log(`${written} clicks written, ${counted} counted in closed windows`);
} finally {
  await kinesis.stop();
}
