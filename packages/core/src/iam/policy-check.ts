import type { IamPolicy, IamStatement } from "./iam-policy.ts";

/**
 * A call a job made, as IAM evaluates it: an action on a resource.
 *
 * @example
 * const call: AwsCall = { action: "s3:PutObject", resource: "arn:aws:s3:::analytics/clicks/part-0.jsonl" };
 */
export interface AwsCall {
  /** The IAM action, e.g. `kinesis:GetRecords`. */
  readonly action: string;
  /** The resource's ARN. */
  readonly resource: string;
}

/** IAM's wildcards: `*` any run of characters, `?` any one character. */
function wildcard(pattern: string, flags = ""): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${body}$`, flags);
}

/** Whether a statement allows `call` (actions compare case-insensitively, as in IAM). */
function statementAllows(statement: IamStatement, call: AwsCall): boolean {
  return (
    statement.Action.some((a) => wildcard(a, "i").test(call.action)) &&
    statement.Resource.some((r) => wildcard(r).test(call.resource))
  );
}

/**
 * Checks a policy against the calls a job made: `denied`, the calls no statement allows (the
 * policy is too narrow); `unused`, every granted action on a statement's resource that no call
 * exercised (the policy is wider than what the calls needed), as `action resource`.
 *
 * @example
 * const { denied, unused } = checkPolicy(iamPolicy(job, { region: "eu-west-1", account: "123456789012" }).document, [
 *   { action: "kinesis:PutRecords", resource: "arn:aws:kinesis:eu-west-1:123456789012:stream/fx" },
 * ]);
 * if (denied.length > 0) console.error("the policy misses", denied);
 */
export function checkPolicy(
  document: IamPolicy["document"],
  calls: readonly AwsCall[],
): {
  /** The calls no statement allows. */
  denied: AwsCall[];
  /** `action resource` of every grant no call exercised. */
  unused: string[];
} {
  const denied = calls.filter((call) => !document.Statement.some((s) => statementAllows(s, call)));
  const unused: string[] = [];
  for (const statement of document.Statement) {
    for (const action of statement.Action) {
      for (const resource of statement.Resource) {
        const grant = { Effect: "Allow", Action: [action], Resource: [resource] } as const;
        if (!calls.some((call) => statementAllows(grant, call))) unused.push(`${action} ${resource}`);
      }
    }
  }
  return { denied, unused };
}
