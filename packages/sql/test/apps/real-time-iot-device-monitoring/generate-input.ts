import { type GeneratedRecord, type GenerateOptions, pad2 } from "../generated-record.ts";
import { seededRandom } from "../seeded-random.ts";

/**
 * Defaults of {@link generateDeviceReadings}, after the solution's `source/demo/send-messages.sh`
 * (one message every `WAIT=2` seconds, 3% anomalous temperatures).
 */
export const DEVICE_READING_DEFAULTS = {
  /** Mean time between two records, ms. */
  meanIntervalMs: 2_000,
  /** Share of readings whose temperature is multiplied by six. */
  anomalyShare: 0.03,
  /** Share of messages preceded by a pause of over a minute (every device goes quiet: its session ends). */
  reconnectShare: 0.02,
} as const;

/** The IoT rule's `parse_time("yyyy-MM-dd HH:mm:ss", timestamp())`, in UTC. */
function iotRuleTime(epochMs: number): string {
  const t = new Date(epochMs);
  const date = `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
  return `${date} ${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())}`;
}

/**
 * Plausible input for the Real-Time IoT Device Monitoring solution: the messages that
 * `send-messages.sh` publishes (`id`, `device` P01–P05, `flow`, `temp`, `humidity`, `sound`) with
 * the `ts` field the solution's IoT rule adds, one per Firehose record. Now and then the stream
 * pauses for over a minute, so that the application's session logic sees devices reconnect.
 *
 * @example
 * const records = generateDeviceReadings({ seed: 7, count: 500, start: Date.UTC(2024, 0, 1) });
 */
export function generateDeviceReadings(options: GenerateOptions): GeneratedRecord[] {
  const random = seededRandom(options.seed);
  const meanInterval = options.meanIntervalMs ?? DEVICE_READING_DEFAULTS.meanIntervalMs;
  const records: GeneratedRecord[] = [];
  let arrivalTime = options.start;
  for (let index = 0; index < options.count; index += 1) {
    if (index > 0) {
      const gap = random.chance(DEVICE_READING_DEFAULTS.reconnectShare) ? random.int(61_000, 180_000) : 0;
      arrivalTime += gap + random.int(1, 2 * meanInterval);
    }
    const temp = random.int(15, 34);
    const message = {
      id: "1",
      device: `P0${random.int(1, 5)}`,
      flow: random.int(60, 99),
      temp: random.chance(DEVICE_READING_DEFAULTS.anomalyShare) ? temp * 6 : temp,
      humidity: random.int(50, 89),
      sound: random.int(100, 139),
      ts: iotRuleTime(arrivalTime - random.int(200, 1_500)),
    };
    records.push({ arrivalTime, data: JSON.stringify(message) });
  }
  return records;
}
