// A script that only awaits a backoff on the system clock, as an admin helper does before any job
// runs (e.g. waiting for a stream to become active): it must wait, not exit.
import { systemClock } from "../../time/clock.ts";
import { sleep } from "../retry-policy.ts";

await sleep(systemClock, 200);
console.log("slept");
