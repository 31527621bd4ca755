/** A JSON value as it crosses the wire and leaves a Lua call. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
