#!/usr/bin/env node
import { runEddySql } from "./run-eddy-sql.ts";

// The SDK warns on Node 20 at every client; a command's output is no place for it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.exitCode = await runEddySql(process.argv.slice(2));
