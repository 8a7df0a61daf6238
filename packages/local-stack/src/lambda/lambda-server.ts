import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "../in-process-server.ts";

/** Said in errors: this is not AWS Lambda. */
export const LOCAL_LAMBDA_NOTICE =
  "local Lambda: a development tool, not AWS Lambda (JS handlers in this process)";

/** The service's limit on a synchronous invocation's request payload, enforced as Lambda does. */
export const LAMBDA_LIMITS = { maxRequestPayloadBytes: 6 * 1024 * 1024 } as const;

/**
 * What a handler is told besides the event, as Lambda's Node.js runtime names it.
 *
 * @example
 * const echo: LocalLambdaHandler = (event, context) => ({ event, requestId: context.awsRequestId });
 */
export interface LocalLambdaContext {
  readonly functionName: string;
  /** `$LATEST`, or the qualifier the caller named (`name:alias`, `?Qualifier=`). */
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
}

/**
 * A function the local Lambda runs: the event (the request's JSON payload) in, the response's
 * JSON out. Throwing is a function error (`X-Amz-Function-Error: Unhandled`), as in Lambda.
 *
 * @example
 * const upper: LocalLambdaHandler = (event) => String((event as { text: string }).text).toUpperCase();
 */
export type LocalLambdaHandler = (event: unknown, context: LocalLambdaContext) => unknown;

/**
 * One call the local Lambda answered (for tests to count and inspect).
 *
 * @example
 * declare const lambda: LocalLambda;
 * const calls: readonly LocalLambdaInvocation[] = lambda.invocations;
 */
export interface LocalLambdaInvocation {
  readonly functionName: string;
  readonly event: unknown;
  /** The handler's error message when it threw. */
  readonly error?: string;
}

/** A running local Lambda. */
export interface LocalLambda {
  readonly endpoint: string;
  readonly port: number;
  /** Registers (or replaces) the function `name`. */
  register(name: string, handler: LocalLambdaHandler): void;
  /** Every invocation answered so far, in order. */
  readonly invocations: readonly LocalLambdaInvocation[];
  stop(): Promise<void>;
}

/** Options of {@link startLocalLambda}. */
export interface LocalLambdaOptions {
  /** Preferred port (a free one when it is busy or not given). */
  readonly port?: number;
  /** Functions by name. */
  readonly functions?: Readonly<Record<string, LocalLambdaHandler>>;
}

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** A function named by its name, its ARN or its partial ARN, each with an optional qualifier. */
const FUNCTION_NAME =
  /^(?:(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:)?\d{12}:function:)?([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/;

class LambdaServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts a stand-in for AWS Lambda's Invoke API on 127.0.0.1 that runs JavaScript handlers
 * registered by name: `POST /2015-03-31/functions/{name}/invocations` with the payload as the
 * event, answering the handler's result as JSON (200, `X-Amz-Executed-Version`); a handler that
 * throws is a function error (200, `X-Amz-Function-Error: Unhandled`, `{errorType,
 * errorMessage}`); an unknown function is 404 `ResourceNotFoundException`, a payload that is not
 * JSON 400 `InvalidRequestContentException`, one over 6 MB 413 `RequestTooLargeException`;
 * `X-Amz-Invocation-Type: Event` answers 202 and runs the handler after, `DryRun` 204. The AWS
 * SDK's `LambdaClient` (endpoint set, any credentials) maps these as it does Lambda's. Functions
 * are named by name, ARN or partial ARN; qualifiers are accepted and passed on, not enforced.
 * Development only: no IAM, no concurrency limits, no timeouts.
 *
 * @example
 * const lambda = await startLocalLambda({ functions: { double: (event) => (event as number) * 2 } });
 * const client = new LambdaClient(localClientConfig(lambda.endpoint));
 * const out = await client.send(new InvokeCommand({ FunctionName: "double", Payload: new TextEncoder().encode("21") }));
 * new TextDecoder().decode(out.Payload); // "42"
 * await lambda.stop();
 */
export async function startLocalLambda(options: LocalLambdaOptions = {}): Promise<LocalLambda> {
  const functions = new Map<string, LocalLambdaHandler>(Object.entries(options.functions ?? {}));
  const invocations: LocalLambdaInvocation[] = [];

  const invoke = async (name: string, qualifier: string | undefined, event: unknown, requestId: string) => {
    const handler = functions.get(name)!;
    const context: LocalLambdaContext = {
      functionName: name,
      functionVersion: qualifier ?? "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ""}`,
      awsRequestId: requestId,
    };
    try {
      const result = await handler(event, context);
      invocations.push({ functionName: name, event });
      return { result, failed: false };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      invocations.push({ functionName: name, event, error: message });
      const errorType = error instanceof Error ? error.name : "Error";
      return { result: { errorType, errorMessage: message, trace: [] }, failed: true };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        "x-amzn-requestid": requestId,
        ...headers,
      });
      res.end(body);
    };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = INVOKE_PATH.exec(url.pathname);
      if (req.method !== "POST" || path === null) {
        throw new LambdaServiceError(
          404,
          "UnknownOperationException",
          `${LOCAL_LAMBDA_NOTICE}: only Invoke is supported`,
        );
      }
      const requested = decodeURIComponent(path[1]!);
      const named = FUNCTION_NAME.exec(requested);
      const name = named?.[1];
      if (named === null || name === undefined || !functions.has(name)) {
        throw new LambdaServiceError(
          404,
          "ResourceNotFoundException",
          `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${named?.[1] ?? requested}`,
        );
      }
      const qualifier = named[2] ?? url.searchParams.get("Qualifier") ?? undefined;
      const body = Buffer.concat(chunks);
      if (body.byteLength > LAMBDA_LIMITS.maxRequestPayloadBytes) {
        throw new LambdaServiceError(
          413,
          "RequestTooLargeException",
          `Request must be smaller than ${LAMBDA_LIMITS.maxRequestPayloadBytes} bytes for the InvokeFunction operation`,
        );
      }
      let event: unknown = null;
      if (body.byteLength > 0) {
        try {
          event = JSON.parse(body.toString("utf8"));
        } catch {
          throw new LambdaServiceError(
            400,
            "InvalidRequestContentException",
            "Could not parse request body into json",
          );
        }
      }
      const version = { "x-amz-executed-version": qualifier ?? "$LATEST" };
      const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
      if (type === "DryRun") return reply(204, "", version);
      if (type === "Event") {
        reply(202, "", version);
        await invoke(name, qualifier, event, requestId);
        return;
      }
      const { result, failed } = await invoke(name, qualifier, event, requestId);
      const payload = JSON.stringify(result) ?? "null";
      reply(200, payload, failed ? { ...version, "x-amz-function-error": "Unhandled" } : version);
    } catch (error) {
      const failure =
        error instanceof LambdaServiceError
          ? error
          : new LambdaServiceError(500, "ServiceException", String(error));
      reply(failure.status, JSON.stringify({ Type: "User", message: failure.message }), {
        "x-amzn-errortype": failure.type,
      });
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const running = await listenOnLoopback(server, options.port);
  return {
    endpoint: running.endpoint,
    port: running.port,
    invocations,
    register(name, handler) {
      functions.set(name, handler);
    },
    stop: running.stop,
  };
}
