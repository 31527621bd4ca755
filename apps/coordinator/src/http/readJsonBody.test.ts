import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { HttpError } from "./HttpError.ts";
import { readJsonBody } from "./readJsonBody.ts";

const request = (text: string): IncomingMessage => Object.assign(Readable.from([Buffer.from(text)]), { headers: {} }) as unknown as IncomingMessage;

async function refusal(text: string, maxBytes = 1024): Promise<HttpError> {
  try {
    await readJsonBody(request(text), maxBytes);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("readJsonBody", () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ['{"spec":{"params":{"fast":[1,2]}},"x":"constructor is a word in a string"}', { spec: { params: { fast: [1, 2] } }, x: "constructor is a word in a string" }],
    ['["__proto__", "prototype"]', ["__proto__", "prototype"]],
    ['{"s":"caf\\u00e9"}', { s: "café" }],
  ])("reads %s", async (text, expected) => {
    expect(await readJsonBody(request(text), 1024)).toEqual(expected);
  });

  it.each([
    ['{"spec":{"params":{"__proto__":[1,2,3]}}}', "__proto__"],
    ['{"__proto__":{"admin":true}}', "__proto__"],
    ['{"a":[{"constructor":{"prototype":{}}}]}', "prototype"],
    ['{"params":{"prototype":[1]}}', "prototype"],
    ['{"params":{"\\u005f_proto__":[1]}}', "__proto__"],
  ])("refuses %s, naming the key", async (text, key) => {
    const error = await refusal(text);
    expect(error.status).toBe(400);
    expect(error.message).toBe(`body has the key "${key}", which is not allowed in any object`);
  });

  it("refuses text that is not JSON, and bodies past the limit", async () => {
    expect(await refusal("{")).toMatchObject({ status: 400, message: "body is not JSON" });
    expect(await refusal(JSON.stringify({ a: "x".repeat(100) }), 50)).toMatchObject({ status: 413 });
  });
});
