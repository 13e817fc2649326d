// Node.js entry point: reads the WebAssembly module from the package's files.
import { readFileSync } from "node:fs";
import { initSync } from "./dist/sigv4_wss_wasm.js";

initSync({ module: readFileSync(new URL("./dist/sigv4_wss_wasm_bg.wasm", import.meta.url)) });

export { inspect, presignUrl } from "./lib.js";
