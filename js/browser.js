// Browser (and bundler) entry point: fetches the WebAssembly module next to this file.
import init from "./dist/sigv4_wss_wasm.js";

await init({ module_or_path: new URL("./dist/sigv4_wss_wasm_bg.wasm", import.meta.url) });

export { inspect, presignUrl } from "./lib.js";
