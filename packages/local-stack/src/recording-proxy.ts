import { type ProxiedRequest, type ProxiedResponse, startFaultProxy } from "./fault-proxy.ts";

/** One AWS call as IAM sees it: the action it needs on one resource. */
export interface RecordedCall {
  /** The IAM action, e.g. `kinesis:GetRecords`, `s3:PutObject`. */
  readonly action: string;
  /** The resource's ARN, e.g. `arn:aws:kinesis:us-east-1:000000000000:stream/fx`, `arn:aws:s3:::b/k`. */
  readonly resource: string;
}

/** A running recording proxy; `calls` grows as requests pass. */
export interface RecordingProxy {
  readonly endpoint: string;
  readonly calls: RecordedCall[];
  stop(): Promise<void>;
}

/** JSON-protocol services: the X-Amz-Target prefix, the IAM service, and the resource of a body. */
const JSON_SERVICES: Record<
  string,
  { service: string; resourcesOf: (body: JsonBody, arn: ArnOf) => string[] }
> = {
  Kinesis_20131202: {
    service: "kinesis",
    resourcesOf: (body, arn) => [
      body.ConsumerARN ??
        body.StreamARN ??
        (body.StreamName ? arn("kinesis", `stream/${body.StreamName}`) : ""),
    ],
  },
  DynamoDB_20120810: {
    service: "dynamodb",
    resourcesOf: (body, arn) =>
      (body.TableName ? [body.TableName] : Object.keys(body.RequestItems ?? {})).map((t) =>
        t.startsWith("arn:") ? t : arn("dynamodb", `table/${t}`),
      ),
  },
  Firehose_20150804: {
    service: "firehose",
    resourcesOf: (body, arn) => [arn("firehose", `deliverystream/${body.DeliveryStreamName}`)],
  },
};

interface JsonBody {
  readonly StreamName?: string;
  readonly StreamARN?: string;
  readonly ConsumerARN?: string;
  readonly ShardIterator?: string;
  readonly TableName?: string;
  readonly RequestItems?: Record<string, unknown>;
  readonly DeliveryStreamName?: string;
}
type ArnOf = (service: string, resource: string) => string;

/**
 * An HTTP proxy in front of a stand-in that records the IAM action and resource of every call
 * passing through: for JSON protocols (Kinesis, DynamoDB, Firehose) the `X-Amz-Target` header and
 * the stream, table or delivery stream in the body; for Lambda's Invoke the function in the path;
 * for S3 (path style) the method, path and query.
 * Kinesis' GetRecords names only an iterator: its stream is the one of the GetShardIterator or
 * GetRecords call that returned it. Tests check an IAM policy against what a connector really calls.
 *
 * @example
 * const recording = await startRecordingProxy({ target: kinesis.endpoint });
 * // … run a connector whose client's endpoint is recording.endpoint …
 * console.log(recording.calls); // [{ action: "kinesis:ListShards", resource: "arn:aws:kinesis:…:stream/fx" }, …]
 */
export async function startRecordingProxy(options: {
  target: string;
  /** The account in the ARNs of resources named by name (default kinesis-local's, `000000000000`). */
  account?: string;
}): Promise<RecordingProxy> {
  const account = options.account ?? "000000000000";
  const calls: RecordedCall[] = [];
  /** Shard iterator → the stream ARN it reads. */
  const iterators = new Map<string, string>();
  const proxy = await startFaultProxy({
    target: options.target,
    policy: (request) => {
      const region = regionOf(request);
      const arn: ArnOf = (service, resource) => `arn:aws:${service}:${region}:${account}:${resource}`;
      const target = request.headers["x-amz-target"];
      const invoked = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url)?.[1];
      if (invoked !== undefined) {
        const fn = decodeURIComponent(invoked);
        calls.push({
          action: "lambda:InvokeFunction",
          resource: fn.startsWith("arn:") ? fn : arn("lambda", `function:${fn}`),
        });
        return undefined;
      }
      if (typeof target !== "string") {
        calls.push(...s3Calls(request));
        return undefined;
      }
      const [prefix = "", operation = ""] = target.split(".");
      const known = JSON_SERVICES[prefix];
      if (!known) throw new Error(`recording proxy: unknown X-Amz-Target ${target}`);
      const body = JSON.parse(request.body.toString("utf8") || "{}") as JsonBody;
      const resources =
        operation === "GetRecords"
          ? [iterators.get(body.ShardIterator ?? "") ?? "unknown"]
          : known.resourcesOf(body, arn);
      for (const resource of resources) calls.push({ action: `${known.service}:${operation}`, resource });
      if (operation !== "GetShardIterator" && operation !== "GetRecords") return undefined;
      return {
        forward: undefined,
        rewrite: (response: ProxiedResponse) => {
          const answer = JSON.parse(response.body.toString("utf8") || "{}") as {
            ShardIterator?: string;
            NextShardIterator?: string;
          };
          const next = answer.ShardIterator ?? answer.NextShardIterator;
          if (next && resources[0]) iterators.set(next, resources[0]);
          return response;
        },
      };
    },
  });
  return { endpoint: proxy.endpoint, calls, stop: () => proxy.stop() };
}

/** The region of a SigV4-signed request: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
function regionOf(request: ProxiedRequest): string {
  const match = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(request.headers.authorization ?? ""));
  return match?.[1] ?? "unknown";
}

/** The IAM actions of one path-style S3 request. */
function s3Calls(request: ProxiedRequest): RecordedCall[] {
  const url = new URL(request.url, "http://s3");
  const [bucket = "", ...rest] = url.pathname.slice(1).split("/");
  const key = rest.map(decodeURIComponent).join("/");
  const object = `arn:aws:s3:::${bucket}/${key}`;
  const query = url.searchParams;
  const call = (action: string, resource = object): RecordedCall => ({ action: `s3:${action}`, resource });
  if (key === "") {
    if (request.method === "POST" && query.has("delete")) {
      const keys = [...request.body.toString("utf8").matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) =>
        unescapeXml(m[1]!),
      );
      return keys.map((k) => call("DeleteObject", `arn:aws:s3:::${bucket}/${k}`));
    }
    if (request.method === "GET" || request.method === "HEAD")
      return [call("ListBucket", `arn:aws:s3:::${bucket}`)];
    return [call(`${request.method}Bucket`, `arn:aws:s3:::${bucket}`)];
  }
  switch (request.method) {
    case "GET":
    case "HEAD":
      return [call("GetObject")];
    case "DELETE":
      return [call(query.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject")];
    case "PUT": {
      const source = request.headers["x-amz-copy-source"];
      if (typeof source !== "string") return [call("PutObject")];
      return [
        call("PutObject"),
        call("GetObject", `arn:aws:s3:::${decodeURIComponent(source.replace(/^\//, ""))}`),
      ];
    }
    default: // POST ?uploads (create) and ?uploadId (complete) of a multipart upload
      return [call("PutObject")];
  }
}

function unescapeXml(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");
}
