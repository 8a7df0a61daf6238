/**
 * The JSON schema that the CloudWatch Embedded Metric Format specification gives for validating
 * EMF documents, as published in "Specification: Embedded metric format"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html,
 * section "Embedded metric format example and JSON schema"), without its `$id`, `title` and
 * `examples` annotations. A test oracle: the reporter's documents must satisfy it.
 */
const name = { type: "string", pattern: "^(.*)$", minLength: 1, maxLength: 255 } as const;

export const EMF_SCHEMA = {
  type: "object",
  required: ["_aws"],
  properties: {
    _aws: {
      type: "object",
      required: ["Timestamp", "CloudWatchMetrics"],
      properties: {
        Timestamp: { type: "integer" },
        CloudWatchMetrics: {
          type: "array",
          items: {
            type: "object",
            required: ["Namespace", "Dimensions", "Metrics"],
            properties: {
              Namespace: name,
              Dimensions: {
                type: "array",
                minItems: 1,
                items: { type: "array", minItems: 0, maxItems: 9, items: name },
              },
              Metrics: {
                type: "array",
                items: {
                  type: "object",
                  required: ["Name"],
                  properties: {
                    Name: name,
                    Unit: {
                      type: "string",
                      pattern:
                        "^(Seconds|Microseconds|Milliseconds|Bytes|Kilobytes|Megabytes|Gigabytes|Terabytes|Bits|Kilobits|Megabits|Gigabits|Terabits|Percent|Count|Bytes\\/Second|Kilobytes\\/Second|Megabytes\\/Second|Gigabytes\\/Second|Terabytes\\/Second|Bits\\/Second|Kilobits\\/Second|Megabits\\/Second|Gigabits\\/Second|Terabits\\/Second|Count\\/Second|None)$",
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/**
 * The specification's rules on target members that its schema cannot express: every dimension
 * and metric a directive names is a member of the root, a dimension's value is a string, a
 * metric's a number or an array of at most 100 numbers. Returns the violations.
 */
export function emfTargetViolations(document: Record<string, unknown>): string[] {
  const violations: string[] = [];
  const aws = document._aws as {
    CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  for (const directive of aws.CloudWatchMetrics) {
    for (const dimension of directive.Dimensions.flat()) {
      if (typeof document[dimension] !== "string")
        violations.push(`dimension ${dimension} is not a string member`);
    }
    for (const { Name } of directive.Metrics) {
      const value = document[Name];
      const numbers = Array.isArray(value) ? value : [value];
      if (numbers.length === 0 || numbers.length > 100 || numbers.some((v) => typeof v !== "number")) {
        violations.push(`metric ${Name} is not a number or an array of 1 to 100 numbers`);
      }
    }
  }
  return violations;
}
