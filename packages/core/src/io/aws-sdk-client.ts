/**
 * An AWS SDK v3 client, as Eddy's connectors take one (`client`): recognized by its shape — `send`
 * and `destroy` functions and a `config` naming its service — never by `instanceof`, so a client
 * built from another copy (another version) of the SDK is used as given, with its endpoint,
 * credentials and retry settings.
 *
 * Rule for SDK-level retries: Eddy retries, the SDK does not. A client Eddy builds itself gets
 * `maxAttempts: 1`; a client you pass is used as given, and its own attempts run inside each of
 * Eddy's (build it with `maxAttempts: 1` to keep them from multiplying).
 *
 * @example
 * const client: AwsSdkClient = new KinesisClient({ region: "eu-west-1", maxAttempts: 1 });
 * declare class KinesisClient { constructor(config: object); send(command: unknown): Promise<unknown>; destroy(): void; config: object }
 */
export interface AwsSdkClient {
  /** Sends one command (with `{ abortSignal }` as options). */
  send(command: unknown, options?: unknown): Promise<unknown>;
  /** Closes the client's connections. */
  destroy(): void;
  /** The client's resolved configuration; its `serviceId` names the service (`"Kinesis"`, `"S3"`…). */
  readonly config: object;
}

/**
 * Whether `value` is an AWS SDK v3 client of the service `serviceId` (as its `config.serviceId`
 * says: `"Kinesis"`, `"Firehose"`, `"DynamoDB"`, `"S3"`). A value without a `send` function is not
 * a client (`false`: client settings, say); a value with `send` that is not a whole client of that
 * service is a mistake, and throws a `TypeError` saying what is wrong, naming `where`.
 *
 * @example
 * isAwsSdkClient({ region: "eu-west-1" }, "Kinesis", "kinesisSink(ticks)"); // false: settings
 * isAwsSdkClient(new S3Client({}), "Kinesis", "kinesisSink(ticks)"); // throws: an S3 client, not a Kinesis one
 * declare class S3Client { constructor(config: object); send(command: unknown): Promise<unknown>; destroy(): void; config: object }
 */
export function isAwsSdkClient(value: unknown, serviceId: string, where: string): value is AwsSdkClient {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { send?: unknown; destroy?: unknown; config?: unknown };
  if (typeof candidate.send !== "function") return false;
  const problem =
    typeof candidate.destroy !== "function"
      ? "it has no destroy()"
      : typeof candidate.config !== "object" || candidate.config === null
        ? "it has no config object"
        : (candidate.config as { serviceId?: unknown }).serviceId !== serviceId
          ? `its config.serviceId is ${JSON.stringify((candidate.config as { serviceId?: unknown }).serviceId)}`
          : undefined;
  if (problem === undefined) return true;
  throw new TypeError(
    `${where}: client must be an AWS SDK v3 ${serviceId} client (send, destroy, config.serviceId "${serviceId}"), but ${problem}`,
  );
}
