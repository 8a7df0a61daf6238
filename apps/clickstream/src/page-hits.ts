/** Requests to one page in one minute (epoch ms, `end` exclusive). */
export interface PageHits {
  readonly page: string;
  readonly start: number;
  readonly end: number;
  readonly hits: number;
}
