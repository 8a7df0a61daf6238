import { libraryBuild } from "../../tsdown.base.ts";

export default libraryBuild(["src/index.ts", "src/testing/index.ts"]);
