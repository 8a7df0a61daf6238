import type { GoldenSource } from "./golden-case.ts";

/** Which of the two KDA SQL guides a page belongs to. */
export type KdaGuide = "sqlref" | "dev";

/** Where a page was read: the docs mirror c2hans/aws-docs or AWS's archived developer-guide repository. */
export interface PageLocation {
  readonly guide: KdaGuide;
  /** The page's html file name without `.html`, e.g. `sql-reference-step`. */
  readonly page: string;
  /** The section anchor of the example, without `#`. */
  readonly anchor?: string;
  /** The commit of the markdown that was read. */
  readonly commit: string;
  /** `awsdocs` when read from awsdocs/amazon-kinesis-data-analytics-developer-guide; default the mirror. */
  readonly repository?: "c2hans" | "awsdocs";
}

/**
 * The {@link GoldenSource} of a page of the KDA SQL reference or SQL developer guide.
 *
 * @example
 * awsDocs({ guide: "sqlref", page: "sql-reference-step", commit: "0cf87289f5b2143b6019ff35025a663af3b4ea95" });
 */
export function awsDocs(location: PageLocation): GoldenSource {
  const anchor = location.anchor === undefined ? "" : `#${location.anchor}`;
  const url = `https://docs.aws.amazon.com/kinesisanalytics/latest/${location.guide}/${location.page}.html${anchor}`;
  const mirror =
    location.repository === "awsdocs"
      ? `awsdocs/amazon-kinesis-data-analytics-developer-guide@${location.commit}:doc_source/${location.page}.md`
      : `c2hans/aws-docs@${location.commit}:docs/kinesisanalytics/latest/${location.guide}/${location.page}.md`;
  return { url, mirror };
}
