import { z } from "zod";

/*
 * Imported for its effect, before anything defines a schema, by pages whose Content-Security-Policy
 * has no 'unsafe-eval': zod then interprets schemas instead of probing `new Function` to compile
 * them, which the browser would report as a CSP violation on every load (and refuse anyway).
 */
z.config({ jitless: true });
