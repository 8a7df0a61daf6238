/**
 * Placeholders an {@link AwsAccess} resource may hold, filled in by `iamPolicy` from the account,
 * region and partition the job runs in: connectors know the names they use, not the account.
 *
 * @example
 * const table = `arn:${ARN_PLACEHOLDERS.partition}:dynamodb:${ARN_PLACEHOLDERS.region}:${ARN_PLACEHOLDERS.account}:table/fx`;
 */
export const ARN_PLACEHOLDERS = {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  partition: "{partition}",
  /** The job's region, e.g. `eu-west-1`. */
  region: "{region}",
  /** The job's 12-digit account id. */
  account: "{account}",
} as const;

/**
 * AWS access a source, sink or checkpoint store needs: these actions on these resources. What
 * `iamPolicy(job)` and `eddy iam-policy` merge into a job's least-privilege policy.
 *
 * @example
 * const access: AwsAccess = {
 *   service: "kinesis",
 *   actions: ["kinesis:PutRecords"],
 *   resources: [awsArn("kinesis", "stream/fx-ticks")],
 * };
 */
export interface AwsAccess {
  /** The service prefix of the actions, e.g. `kinesis`, `s3`, `dynamodb`, `firehose`. */
  readonly service: string;
  /** IAM actions with their service prefix, e.g. `kinesis:GetRecords`. */
  readonly actions: readonly string[];
  /**
   * Resource ARNs: resolved (`arn:aws:kinesis:eu-west-1:123456789012:stream/fx`) or templates
   * holding {@link ARN_PLACEHOLDERS} (as {@link awsArn} builds), `*` wildcards allowed.
   */
  readonly resources: readonly string[];
}

/**
 * Implemented by sources, sinks and checkpoint stores that call AWS: the access they need, from
 * their options alone (no call is made), so a policy can be printed without running the job.
 *
 * @example
 * const sink: Sink<string> & DeclaresAwsAccess = {
 *   name: "audit",
 *   write() {},
 *   awsAccess: () => [{ service: "s3", actions: ["s3:PutObject"], resources: [awsArn("s3", "audit/*")] }],
 * };
 */
export interface DeclaresAwsAccess {
  /** The AWS access this part needs to run; every call it can make is covered. */
  awsAccess(): readonly AwsAccess[];
}

/** Services whose ARNs name neither a region nor an account (`arn:aws:s3:::bucket/key`). */
const GLOBAL_NAMES = new Set(["s3"]);

/**
 * The ARN of `resource` in `service`, as a template whose partition, region and account
 * `iamPolicy` fills in; S3's ARNs have no region or account. A `resource` that is already an
 * ARN (a user gave a stream ARN) is returned as it is.
 *
 * @example
 * awsArn("kinesis", "stream/fx-ticks"); // "arn:{partition}:kinesis:{region}:{account}:stream/fx-ticks"
 * awsArn("s3", "analytics/clicks/*");   // "arn:{partition}:s3:::analytics/clicks/*"
 */
export function awsArn(service: string, resource: string): string {
  if (resource.startsWith("arn:")) return resource;
  const { partition, region, account } = ARN_PLACEHOLDERS;
  return GLOBAL_NAMES.has(service)
    ? `arn:${partition}:${service}:::${resource}`
    : `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

/**
 * What `part` declares through {@link DeclaresAwsAccess}, or nothing when it does not declare any
 * (an in-memory source, a Redis store).
 *
 * @example
 * const needed = [...job.connectors().sources, ...job.connectors().sinks].flatMap(awsAccessOf);
 */
export function awsAccessOf(part: unknown): readonly AwsAccess[] {
  const declares = (part as Partial<DeclaresAwsAccess> | null | undefined)?.awsAccess;
  return typeof declares === "function" ? declares.call(part) : [];
}
