/**
 * Writes FX ticks to Kinesis: the same deterministic ticks the embedded mode generates (a random
 * walk per symbol, a little disorder in arrival), at `--rate` ticks per second, partitioned by
 * symbol. It is an Eddy job too, checkpointed, so a restarted producer goes on where it stopped.
 *
 *   tsx src/producer.ts                      # to the local stack (`npm run stack`), until Ctrl-C
 *   tsx src/producer.ts --mode aws --rate 50 # to the stream `fx-ticks` on AWS
 */
import { orExit, producerSettings, resolveProducerRuntime, runProducer, settingsOrExit } from "@eddy/app-kit";
import { FX_RESOURCES, TICK_SETTINGS } from "./fx-settings.ts";
import { FX_TICK_DEFAULTS, fxTicks } from "./fx-tick.ts";

const settings = settingsOrExit("fx-pricing producer: FX ticks into a Kinesis stream", {
  ...producerSettings("fx-pricing"),
  ...TICK_SETTINGS,
});
await runProducer(await orExit(resolveProducerRuntime(settings)), {
  title: "fx-pricing producer: FX ticks, partitioned by symbol",
  stream: settings.stream,
  shards: FX_RESOURCES.shards,
  seed: settings.seed,
  generate: fxTicks({ ...FX_TICK_DEFAULTS, seed: settings.seed }),
  partitionKey: (tick) => tick.symbol,
  ratePerSecond: settings.rate,
  count: settings.ticks,
});
