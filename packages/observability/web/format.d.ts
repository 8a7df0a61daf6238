// Types of format.js, which stays plain JavaScript so that the browser can load it as is.
export declare function count(n: number | null | undefined): string;
export declare function value(n: number | null | undefined): string;
export declare function rate(perSecond: number | null | undefined): string;
export declare function duration(ms: number | null | undefined): string;
export declare function bytes(n: number | null | undefined): string;
export declare function percent(share: number): string;
export declare function eventTime(time: number | "end" | null | undefined, now: number): string;
