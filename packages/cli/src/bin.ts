#!/usr/bin/env node
import { runEddy } from "./run-eddy.ts";

// The SDK warns on Node 20 at every client; a command's output is no place for it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.exitCode = await runEddy(process.argv.slice(2));
