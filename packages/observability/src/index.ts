/**
 * See a running Eddy job: Prometheus and JSON metrics, a live web dashboard, progress lines and
 * structured logs.
 * @packageDocumentation
 * @module @eddy/observability
 */
export {};
