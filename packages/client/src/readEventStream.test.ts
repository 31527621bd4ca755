import { describe, expect, it } from "vitest";
import { readEventStream } from "./readEventStream.ts";

function stream(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function events(chunks: string[]) {
  const out = [];
  for await (const event of readEventStream(stream(chunks))) out.push(event);
  return out;
}

describe("readEventStream", () => {
  it.each([
    ["one event", ["event: progress\ndata: {\"a\":1}\n\n"], [{ event: "progress", data: '{"a":1}' }]],
    ["default name, comments, multi-line data", [": hi\n\ndata: a\ndata: b\n\n"], [{ event: "message", data: "a\nb" }]],
    ["CRLF and CR line ends", ["event: x\r\ndata: 1\r\n\r\nevent: y\rdata: 2\r\r"], [{ event: "x", data: "1" }, { event: "y", data: "2" }]],
    ["chunks split anywhere, even inside CRLF", ["ev", "ent: done\r", "\ndata: {\"s\":", "\"ok\"}\r", "\n\r", "\n"], [{ event: "done", data: '{"s":"ok"}' }]],
    ["a field without a space after the colon, and one without a colon", ["event:x\ndata:1\nretry\n\n"], [{ event: "x", data: "1" }]],
    ["an unterminated last event is dropped", ["event: a\ndata: 1\n\nevent: b\ndata: 2\n"], [{ event: "a", data: "1" }]],
  ])("%s", async (_, chunks, expected) => {
    expect(await events(chunks)).toEqual(expected);
  });

  it("decodes a UTF-8 sequence cut in the middle of a character", async () => {
    const bytes = new TextEncoder().encode("data: 🐟\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 8));
        controller.enqueue(bytes.subarray(8));
        controller.close();
      },
    });
    const out = [];
    for await (const event of readEventStream(body)) out.push(event);
    expect(out).toEqual([{ event: "message", data: "🐟" }]);
  });
});
