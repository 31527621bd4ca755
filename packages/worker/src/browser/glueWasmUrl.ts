import url from "wasmoon/dist/glue.wasm?url";

/**
 * Where the donor's Web Workers fetch wasmoon's compiled Lua: the bundler copies glue.wasm into
 * the build as a content-hashed asset (`/assets/glue-<hash>.wasm`), which the coordinator serves
 * with immutable caching, so a browser downloads it once per release.
 */
export const glueWasmUrl: string = url;
