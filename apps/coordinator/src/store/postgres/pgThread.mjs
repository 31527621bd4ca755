// Entry of the PostgreSQL bridge's thread: lets the thread load TypeScript sources, as the CLI does.
import { register } from "tsx/esm/api";

register();
await import("./pgThread.ts");
