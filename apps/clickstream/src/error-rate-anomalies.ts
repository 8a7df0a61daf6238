import { type KeyedProcessFunction, valueState } from "@eddy/core";

/** The requests of one window and how many of them failed with a 5xx status. */
export interface ErrorRate {
  /** The window, epoch ms, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  readonly requests: number;
  readonly errors: number;
  /** `errors / requests`. */
  readonly rate: number;
}

/** A window whose 5xx rate departs from its recent history. */
export interface ErrorRateAlert extends ErrorRate {
  /** The history the window was judged against: the EWMA of the rate… */
  readonly expected: number;
  /** …and its standard deviation, at least `minStdDev`. */
  readonly stdDev: number;
  /** `(rate − expected) / stdDev`. */
  readonly zScore: number;
}

/** Options of {@link errorRateAnomalies}; defaults in {@link ERROR_RATE_ANOMALY_DEFAULTS}. */
export interface ErrorRateAnomalyOptions {
  /** Weight of the newest window in the moving average: 0.1 remembers about the last 20 windows. */
  readonly alpha: number;
  /** Alert when the rate is this many standard deviations above the average. */
  readonly threshold: number;
  /** Windows of history needed before the first alert. */
  readonly warmup: number;
  /**
   * The smallest standard deviation used (a rate): a history of near-constant rates would
   * otherwise make any small rise an alert.
   */
  readonly minStdDev: number;
  /** Windows with fewer requests are too small to judge: neither alerted on nor learned from. */
  readonly minRequests: number;
}

export const ERROR_RATE_ANOMALY_DEFAULTS: ErrorRateAnomalyOptions = {
  alpha: 0.1,
  threshold: 3,
  warmup: 10,
  minStdDev: 0.005,
  minRequests: 50,
};

/** The history: the exponentially weighted mean and variance of the rate, over how many windows. */
interface History {
  readonly mean: number;
  readonly variance: number;
  readonly windows: number;
}

const STATE = { history: valueState<History>() };

/**
 * Alerts when a window's 5xx rate departs upwards from its recent history: a user-written
 * `KeyedProcessFunction` with one value of state per key (a site, a service), fed the key's
 * windows in time order (as a tumbling window emits them).
 *
 * The history is an exponentially weighted moving average (EWMA) of the rate with weight `alpha`,
 * and its exponentially weighted variance (Finch's incremental update: `d = x − μ`,
 * `μ ← μ + α·d`, `σ² ← (1 − α)(σ² + α·d²)`). A window is anomalous when, after `warmup` windows
 * of history,
 *
 *     z = (rate − μ) / max(σ, minStdDev) ≥ threshold
 *
 * An anomalous window alerts and is **not** learned: an incident does not become the new normal,
 * so one that lasts three minutes alerts three times. Windows with fewer than `minRequests`
 * requests are skipped. Only rises alert: fewer errors than usual is good news. Alerts carry the
 * window's timestamp (its end − 1).
 *
 * @example
 * const alerts: DataStream<ErrorRateAlert> = errorRates
 *   .keyBy(() => "site")
 *   .process(errorRateAnomalies({ ...ERROR_RATE_ANOMALY_DEFAULTS, threshold: 4 }));
 */
export function errorRateAnomalies(
  options: ErrorRateAnomalyOptions,
): KeyedProcessFunction<string, ErrorRate, ErrorRateAlert, typeof STATE> {
  const { alpha, threshold, warmup, minStdDev, minRequests } = options;
  return {
    state: STATE,
    processElement(window, ctx) {
      if (window.requests < minRequests) return;
      const history = ctx.state.history.value() ?? { mean: window.rate, variance: 0, windows: 0 };
      const stdDev = Math.max(Math.sqrt(history.variance), minStdDev);
      const zScore = (window.rate - history.mean) / stdDev;
      if (history.windows >= warmup && zScore >= threshold) {
        ctx.emit({ ...window, expected: history.mean, stdDev, zScore });
        return;
      }
      const d = window.rate - history.mean;
      ctx.state.history.update({
        mean: history.mean + alpha * d,
        variance: (1 - alpha) * (history.variance + alpha * d * d),
        windows: history.windows + 1,
      });
    },
  };
}
