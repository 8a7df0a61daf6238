import { libraryBuild } from "../../tsdown.base.ts";

export default libraryBuild();
