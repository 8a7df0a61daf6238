import { type AwsAccess, awsAccessOf } from "../aws/aws-access.ts";
import type { Job } from "../job/job.ts";

/**
 * Where the job runs: what fills the `{region}`, `{account}` and `{partition}` of the ARN
 * templates that connectors declare. Left out, a part becomes `*` and is listed in
 * {@link IamPolicy.unresolved}.
 *
 * @example
 * const where: IamPolicyOptions = { region: "eu-west-1", account: "123456789012" };
 */
export interface IamPolicyOptions {
  /** The AWS region, e.g. `eu-west-1`. */
  readonly region?: string | undefined;
  /** The 12-digit account id. */
  readonly account?: string | undefined;
  /** `aws`, `aws-cn` or `aws-us-gov`; by default the region's (`aws` without a region). */
  readonly partition?: string | undefined;
}

/**
 * One `Allow` statement of an IAM policy document.
 *
 * @example
 * const statement: IamStatement = { Effect: "Allow", Action: ["kinesis:PutRecords"], Resource: ["arn:aws:kinesis:eu-west-1:123456789012:stream/fx"] };
 */
export interface IamStatement {
  /** Always `Allow`: the policy grants exactly what the job needs. */
  readonly Effect: "Allow";
  /** Actions, sorted. */
  readonly Action: readonly string[];
  /** Resource ARNs, sorted. */
  readonly Resource: readonly string[];
}

/**
 * A job's least-privilege policy, and what could not be filled in.
 *
 * @example
 * const { document, unresolved } = iamPolicy(job, { region: "eu-west-1" });
 * console.log(JSON.stringify(document, null, 2));
 * for (const part of unresolved) console.error(`left as *: ${part}`);
 */
export interface IamPolicy {
  /** The IAM policy document (version 2012-10-17), one statement per service and set of actions. */
  readonly document: {
    /** IAM's policy language version. */
    readonly Version: "2012-10-17";
    /** The statements, by service, then by first resource. */
    readonly Statement: readonly IamStatement[];
  };
  /** The placeholders (`region`, `account`) left as `*` because no value was given. */
  readonly unresolved: readonly ("region" | "account")[];
}

/**
 * The least-privilege IAM policy a job needs, from the AWS access its sources, sinks and
 * checkpoint store declare (`awsAccess()`); the job is not run and AWS is not called. See
 * {@link policyOf} for how access is merged.
 *
 * @example
 * const job = pipeline("fx-pricing", { checkpoints: { every: seconds(10), store } });
 * job.source(fromIterable([1, 2, 3])).sink(consoleSink());
 * console.log(JSON.stringify(iamPolicy(job, { region: "eu-west-1", account: "123456789012" }).document));
 */
export function iamPolicy(job: Job, options: IamPolicyOptions = {}): IamPolicy {
  const { sources, sinks, checkpointStore } = job.connectors();
  return policyOf([...sources, ...sinks, checkpointStore].flatMap(awsAccessOf), options);
}

/**
 * Merges declared access into a policy: ARN templates filled in from `options`; per resource the
 * union of its actions; resources that need the same actions of one service share a statement;
 * actions and resources sorted, statements by service. Throws when an action does not belong to
 * its declared service (a connector's mistake, never silently granted).
 *
 * @example
 * const { document } = policyOf(
 *   [
 *     { service: "kinesis", actions: ["kinesis:ListShards"], resources: [awsArn("kinesis", "stream/fx")] },
 *     { service: "kinesis", actions: ["kinesis:GetRecords"], resources: [awsArn("kinesis", "stream/fx")] },
 *   ],
 *   { region: "eu-west-1", account: "123456789012" },
 * );
 * // one statement: kinesis:GetRecords and kinesis:ListShards on arn:aws:kinesis:eu-west-1:123456789012:stream/fx
 */
export function policyOf(access: readonly AwsAccess[], options: IamPolicyOptions = {}): IamPolicy {
  const unresolved = new Set<"region" | "account">();
  const fill = placeholderFiller(options, unresolved);
  const byResource = new Map<string, { service: string; resource: string; actions: Set<string> }>();
  for (const entry of access) {
    for (const action of entry.actions) {
      if (!action.startsWith(`${entry.service}:`)) {
        throw new Error(`AWS access of service ${entry.service} lists action ${action} of another service`);
      }
    }
    for (const template of entry.resources) {
      const resource = fill(template);
      const key = `${entry.service} ${resource}`;
      const found = byResource.get(key) ?? { service: entry.service, resource, actions: new Set() };
      for (const action of entry.actions) found.actions.add(action);
      byResource.set(key, found);
    }
  }
  const statements = new Map<string, { service: string; actions: string[]; resources: string[] }>();
  for (const { service, resource, actions } of byResource.values()) {
    const sorted = [...actions].sort();
    const key = `${service} ${sorted.join(",")}`;
    const statement = statements.get(key) ?? { service, actions: sorted, resources: [] };
    statement.resources.push(resource);
    statements.set(key, statement);
  }
  const Statement = [...statements.values()]
    .map((s) => ({ service: s.service, resources: s.resources.sort(), actions: s.actions }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.resources[0]!.localeCompare(b.resources[0]!))
    .map((s): IamStatement => ({ Effect: "Allow", Action: s.actions, Resource: s.resources }));
  return { document: { Version: "2012-10-17", Statement }, unresolved: [...unresolved].sort() };
}

/** Replaces the placeholders of an ARN template, noting those left as `*`. */
function placeholderFiller(options: IamPolicyOptions, unresolved: Set<"region" | "account">) {
  const values = {
    partition: options.partition ?? partitionOf(options.region),
    region: options.region,
    account: options.account,
  };
  return (template: string): string =>
    template.replace(/\{(partition|region|account)\}/g, (_, part: keyof typeof values) => {
      const value = values[part];
      if (value) return value;
      unresolved.add(part as "region" | "account");
      return "*";
    });
}

/** The partition a region belongs to: China and GovCloud regions have their own. */
function partitionOf(region: string | undefined): string {
  if (region?.startsWith("cn-")) return "aws-cn";
  if (region?.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
