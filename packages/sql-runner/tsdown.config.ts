import { libraryBuild } from "../../tsdown.base.ts";

export default libraryBuild(["src/index.ts", "src/bin.ts"]);
