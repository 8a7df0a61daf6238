/** A request the endpoint may take later: throttled (429), failing (5xx), or not answered at all. */
export class RetryableWebhookError extends Error {
  override readonly name = "RetryableWebhookError";
}

/** The endpoint refused the request for what it holds (a 4xx other than 429): sending it again will not help. */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
}

/**
 * The sink's one seam to HTTP: POSTs `records` as a JSON array. Resolves `undefined` when the
 * endpoint took them (2xx), a {@link Refusal} for a 4xx; throws {@link RetryableWebhookError}
 * for 429, 5xx and network errors.
 */
export async function postRecords(
  url: string,
  records: readonly unknown[],
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<Refusal | undefined> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(records),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new RetryableWebhookError(`POST ${url} failed: ${String(error)}`, { cause: error });
  }
  const text = await response.text();
  if (response.ok) return undefined;
  if (response.status === 429 || response.status >= 500) {
    throw new RetryableWebhookError(`POST ${url} answered ${response.status}: ${text}`);
  }
  return { status: response.status, reason: text };
}
