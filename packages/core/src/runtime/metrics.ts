/**
 * Counters kept per operator. Incrementing a field is the whole cost on the record path; readers
 * take a copy through {@link JobMetrics}.
 */
export class OperatorMetrics {
  recordsIn = 0;
  recordsOut = 0;
  /** Records routed to a late side output. */
  lateRecordsSideOutput = 0;
  /** Late records with no side output configured: neither emitted nor kept, so counted here. */
  lateRecordsDropped = 0;
  /** Records that failed and went to an error output. */
  failedRecords = 0;
  watermark = Number.NEGATIVE_INFINITY;

  constructor(readonly operator: string) {}
}

/** All operators' counters of a running job. */
export class JobMetrics {
  readonly #operators = new Map<string, OperatorMetrics>();

  forOperator(name: string): OperatorMetrics {
    let metrics = this.#operators.get(name);
    if (!metrics) {
      metrics = new OperatorMetrics(name);
      this.#operators.set(name, metrics);
    }
    return metrics;
  }

  /** A plain copy of every operator's counters, for reports and tests. */
  snapshot(): Record<string, Omit<OperatorMetrics, "operator">> {
    const result: Record<string, Omit<OperatorMetrics, "operator">> = {};
    for (const [name, m] of this.#operators) {
      const { operator: _ignored, ...counters } = m;
      result[name] = { ...counters };
    }
    return result;
  }
}
