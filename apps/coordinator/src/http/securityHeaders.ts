import type { OutgoingHttpHeaders } from "node:http";

/**
 * Headers every response carries: no MIME sniffing (a JSON body or an uploaded CSV is never run
 * as script) and no Referer leaking dashboard addresses to other sites.
 */
export const BASE_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
} as const satisfies OutgoingHttpHeaders;

/**
 * What our own scripts need: modules and workers from this origin, WebAssembly for wasmoon
 * (`'wasm-unsafe-eval'`, not `'unsafe-eval'`), fetches and WebSockets back to this origin.
 * Styles allow inline because CodeMirror and uPlot inject `<style>` elements.
 */
const SCRIPT_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
];

/** The donor page and the dashboard: nobody may frame them (the dashboard keeps its token in local storage). */
const APP_PAGE = {
  "Content-Security-Policy": [...SCRIPT_POLICY, "frame-ancestors 'none'"].join("; "),
  "X-Frame-Options": "DENY",
} as const satisfies OutgoingHttpHeaders;

/** The embed frame: any site may frame it, because consent is asked and kept inside it. */
const EMBED_FRAME = {
  "Content-Security-Policy": [...SCRIPT_POLICY, "frame-ancestors *"].join("; "),
} as const satisfies OutgoingHttpHeaders;

/** Scripts and other files: their policy matters only where they become a worker's document. */
const ASSET = {
  "Content-Security-Policy": [...SCRIPT_POLICY, "frame-ancestors 'none'"].join("; "),
} as const satisfies OutgoingHttpHeaders;

/**
 * The compiled engine's executor Web Worker (`compiledWorker.ts`, built as
 * `assets/compiledWorker-HASH.js`): a worker's policy is the one its script was served with, and
 * this worker must compile each job's Lua to JavaScript with `new Function`, so it alone gets
 * `'unsafe-eval'`. In exchange it may reach nothing: no fetch or WebSocket (`connect-src 'none'`),
 * no nested workers, nothing but its own origin's modules. The page and the interpreters' worker
 * keep the policy without `'unsafe-eval'`.
 */
const COMPILED_WORKER = {
  "Content-Security-Policy": [
    "default-src 'none'",
    "script-src 'self' 'unsafe-eval'",
    "connect-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
} as const satisfies OutgoingHttpHeaders;

const COMPILED_WORKER_FILE = /(^|[\\/])assets[\\/]compiledWorker-[\w-]+\.js$/;

/** The page-specific headers for a file the coordinator serves, by its name in the web build. */
export function pageHeaders(file: string): OutgoingHttpHeaders {
  if (COMPILED_WORKER_FILE.test(file)) return COMPILED_WORKER;
  if (/(^|[\\/])embed-frame\.html$/.test(file)) return EMBED_FRAME;
  if (file.endsWith(".html")) return APP_PAGE;
  return ASSET;
}
