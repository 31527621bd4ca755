import { describe, expect, it } from "vitest";
import { FRAME_CHARS, frameMessage, Reassembler } from "./frames.ts";

describe("frameMessage and Reassembler", () => {
  it("passes short messages through unframed", () => {
    const text = JSON.stringify({ type: "heartbeat" });
    expect(frameMessage(text)).toEqual([text]);
    expect(new Reassembler().push(text)).toBe(text);
  });

  it("splits long text into frames that stay under the size and rebuild it exactly", () => {
    const text = JSON.stringify({ type: "task-result", data: "é😀x".repeat(20_000) });
    const frames = frameMessage(text);
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) expect(new TextEncoder().encode(frame).byteLength).toBeLessThan(64 * 1024);
    for (const frame of frames) expect(frame).not.toMatch(/[\ud800-\udbff]$/);
    const r = new Reassembler();
    const out = frames.map((f) => r.push(f));
    expect(out.slice(0, -1).every((x) => x === undefined)).toBe(true);
    expect(out.at(-1)).toBe(text);
    expect(r.push('{"type":"heartbeat"}')).toBe('{"type":"heartbeat"}');
  });

  it.each([
    ["a frame out of order", (f: string[]) => [f[1]!]],
    ["a skipped frame", (f: string[]) => [f[0]!, f[2]!]],
    ["a message inside a framed one", (f: string[]) => [f[0]!, "{}"]],
    ["a count that changes", (f: string[]) => [f[0]!, f[1]!.replace(/^~1\/\d+/, "~1/99")]],
  ])("rejects %s", (_name, pick) => {
    const frames = frameMessage("x".repeat(FRAME_CHARS * 3), FRAME_CHARS);
    const r = new Reassembler();
    expect(() => pick(frames).forEach((f) => r.push(f))).toThrow(/frame/);
  });

  it("rejects framed messages over the size limit", () => {
    const r = new Reassembler(100);
    expect(() => frameMessage("x".repeat(300), 60).forEach((f) => r.push(f))).toThrow(/larger than 100/);
  });
});
