import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { type Clock, type RetryOptions, retrying } from "@eddy/core";

/**
 * A Lambda client as the application layer uses it: anything with the AWS SDK v3
 * `LambdaClient`'s `send` and `config`. Checked by its shape, not with `instanceof`, so a client
 * built by the application's own copy of `@aws-sdk/client-lambda` is used as given (build it with
 * `maxAttempts: 1`: Eddy retries, the SDK should not).
 *
 * @example
 * import { LambdaClient } from "@aws-sdk/client-lambda";
 * const client: LambdaClientLike = new LambdaClient({ region: "eu-west-1", maxAttempts: 1 });
 */
export interface LambdaClientLike {
  /** Sends one command and resolves with its output. */
  send(command: object, options?: object): Promise<unknown>;
  /** The client's resolved configuration. */
  readonly config: object;
}

/**
 * Whether `value` has the shape of an AWS SDK v3 Lambda client.
 *
 * @example
 * isLambdaClientLike({ send: async () => ({}), config: {} }); // true
 */
export function isLambdaClientLike(value: unknown): value is LambdaClientLike {
  const candidate = value as Partial<LambdaClientLike> | null | undefined;
  return (
    typeof candidate?.send === "function" && typeof candidate.config === "object" && candidate.config !== null
  );
}

/**
 * A Lambda function Eddy calls failed or answered what Eddy cannot use. `functionArn` names it;
 * `retryable` says whether another invocation may do better (a function error, throttling, a 5xx)
 * or not (a missing function, a response of the wrong shape).
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof LambdaInvocationError) console.error(error.message); // "Lambda function arn:…: …"

 * }
 * declare const job: { run(): Promise<void> };
 */
export class LambdaInvocationError extends Error {
  /** Always `"LambdaInvocationError"`. */
  override readonly name = "LambdaInvocationError";

  constructor(
    /** The function, as Eddy named it. */
    readonly functionArn: string,
    /** What went wrong (the message adds the function). */
    readonly problem: string,
    /** Whether another invocation may do better. */
    readonly retryable: boolean,
    options?: { readonly cause?: unknown },
  ) {
    super(`Lambda function ${functionArn}: ${problem}`, options);
  }
}

/** Errors of the Invoke call that another attempt cannot fix. */
const FATAL = new Set([
  "ResourceNotFoundException",
  "InvalidRequestContentException",
  "RequestTooLargeException",
  "InvalidParameterValueException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "CredentialsProviderError",
  "ResourceConflictException",
]);

/** Whether another invocation may do better than the one that threw `error`. */
export function isRetryableLambdaError(error: unknown): boolean {
  if (error instanceof LambdaInvocationError) return error.retryable;
  if (!(error instanceof Error)) return false;
  if (FATAL.has(error.name)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    status === undefined || status >= 500 || status === 429 || /Throttl|TooManyRequests/.test(error.name)
  );
}

/** What {@link LambdaInvoker} needs besides the function. */
export interface LambdaInvokerSettings {
  /** The client; by default one for the function's region, built with `maxAttempts: 1`. */
  readonly client?: LambdaClientLike;
  /** Retries of {@link LambdaInvoker.invoke} (not of `invokeOnce`). */
  readonly retry: RetryOptions;
  /** Backoffs between attempts run on it. */
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

/**
 * The one place the application layer talks to Lambda: a synchronous Invoke of one function with
 * a JSON payload, answered by the function's JSON. A function error (`FunctionError`), throttling,
 * 5xx and network errors are retried with core's policy; a missing function, a refused request or
 * a response that is not JSON fail at once. Every error names the function.
 */
export class LambdaInvoker {
  readonly #client: LambdaClientLike;
  readonly #owned: boolean;

  constructor(
    readonly functionArn: string,
    private readonly settings: LambdaInvokerSettings,
  ) {
    this.#owned = settings.client === undefined;
    const region = functionArn.split(":")[3];
    this.#client = settings.client ?? new LambdaClient({ maxAttempts: 1, ...(region ? { region } : {}) });
    if (!isLambdaClientLike(this.#client)) {
      throw new TypeError(`${functionArn}: client must be an AWS SDK v3 LambdaClient (with send and config)`);
    }
  }

  /** Invokes the function with `payload` (JSON) and returns its parsed JSON answer. */
  invoke(payload: string, operation: string): Promise<unknown> {
    return retrying(() => this.invokeOnce(payload), {
      operation: `${operation} (${this.functionArn})`,
      retry: this.settings.retry,
      clock: this.settings.clock,
      isRetryable: isRetryableLambdaError,
      signal: this.settings.signal,
      exhausted: (attempts, last) =>
        new LambdaInvocationError(
          this.functionArn,
          `${operation} failed ${attempts} times in a row, the last time: ${describe(last)}`,
          false,
          { cause: last },
        ),
    });
  }

  destroy(): void {
    if (this.#owned) (this.#client as LambdaClient).destroy();
  }

  /** One invocation, no retry: for callers that retry themselves (the Lambda output's batching writer). */
  async invokeOnce(payload: string): Promise<unknown> {
    let response: InvokeCommandOutput;
    try {
      response = (await this.#client.send(
        new InvokeCommand({ FunctionName: this.functionArn, Payload: new TextEncoder().encode(payload) }),
      )) as InvokeCommandOutput;
    } catch (error) {
      if (isRetryableLambdaError(error)) throw error;
      throw new LambdaInvocationError(this.functionArn, `Invoke was refused: ${describe(error)}`, false, {
        cause: error,
      });
    }
    const text = response.Payload === undefined ? "" : new TextDecoder().decode(response.Payload);
    if (response.FunctionError !== undefined) {
      throw new LambdaInvocationError(
        this.functionArn,
        `the function failed (${response.FunctionError}): ${functionErrorText(text)}`,
        true,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new LambdaInvocationError(
        this.functionArn,
        `the function answered text that is not JSON: ${JSON.stringify(text.slice(0, 200))}`,
        false,
      );
    }
  }
}

/** `errorType: errorMessage` of a function error's payload, or the payload itself. */
function functionErrorText(text: string): string {
  try {
    const { errorType, errorMessage } = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof errorMessage === "string")
      return typeof errorType === "string" ? `${errorType}: ${errorMessage}` : errorMessage;
  } catch {
    // not JSON: shown as it is
  }
  return text.slice(0, 500);
}

function describe(error: unknown): string {
  if (error instanceof LambdaInvocationError) return error.problem;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
