import { afterEach, describe, expect, it } from "vitest";
import type { Channel } from "../channel/Channel.ts";

/** Two connected ends of one channel implementation, and how to release what made them. */
export interface ChannelPair {
  a: Channel;
  b: Channel;
  teardown?: () => Promise<void> | void;
}

/** The behaviour every Channel implementation must show; call it from the implementation's test file. */
export function runChannelTests(name: string, setup: () => Promise<ChannelPair>): void {
  describe(`Channel: ${name}`, () => {
    let pair: ChannelPair | undefined;
    const open = async () => (pair = await setup());
    afterEach(async () => {
      pair?.a.close();
      pair?.b.close();
      await pair?.teardown?.();
      pair = undefined;
    });

    it("delivers messages both ways in order", async () => {
      const { a, b } = await open();
      const atB = collect(b, 100);
      const atA = collect(a, 100);
      for (let i = 0; i < 100; i++) {
        a.send(`a${i}`);
        b.send(`b${i}`);
      }
      expect(await atB).toEqual(Array.from({ length: 100 }, (_, i) => `a${i}`));
      expect(await atA).toEqual(Array.from({ length: 100 }, (_, i) => `b${i}`));
    });

    it("keeps text exact: empty, unicode, and messages of several MiB", async () => {
      const { a, b } = await open();
      const big = "δ€𝄞x".repeat(600_000);
      const texts = ["", "ascii", "Grüße 🐟 ∑", '{"type":"hello","q":"\\"quoted\\""}', big, "after"];
      const got = collect(b, texts.length);
      for (const text of texts) a.send(text);
      const received = await got;
      expect(received.map((t) => t.length)).toEqual(texts.map((t) => t.length));
      expect(received).toEqual(texts);
    });

    it("keeps messages that arrive before the first listener", async () => {
      const { a, b } = await open();
      a.send("early-1");
      a.send("early-2");
      await delay(200);
      expect(await collect(b, 2)).toEqual(["early-1", "early-2"]);
    });

    it("closes both ends once, with a reason, when one side closes", async () => {
      const { a, b } = await open();
      const reasons: string[] = [];
      a.onClose((reason) => reasons.push(`a:${reason}`));
      const closedB = new Promise<string>((resolve) => b.onClose(resolve));
      a.close("done here");
      a.close("twice");
      expect(a.open).toBe(false);
      expect(typeof (await closedB)).toBe("string");
      expect(b.open).toBe(false);
      expect(reasons).toEqual(["a:done here"]);
    });

    it("still closes the far end and tells the other close listeners when a close listener throws, and rethrows its error", async () => {
      const { a, b } = await open();
      const heard: string[] = [];
      a.onClose(() => {
        throw new Error("listener failed");
      });
      a.onClose((reason) => heard.push(reason));
      const closedB = new Promise<string>((resolve) => b.onClose(resolve));
      expect(() => a.close("store down")).toThrow("listener failed");
      expect(heard).toEqual(["store down"]);
      expect(a.open).toBe(false);
      expect(typeof (await closedB)).toBe("string");
      expect(b.open).toBe(false);
    });

    it("ignores sends after close and still tells late close listeners", async () => {
      const { a, b } = await open();
      const closedB = new Promise<string>((resolve) => b.onClose(resolve));
      b.close("bye");
      await closedB;
      expect(() => b.send("ignored")).not.toThrow();
      await expect(new Promise<string>((resolve) => b.onClose(resolve))).resolves.toBe("bye");
      await new Promise<string>((resolve) => a.onClose(resolve));
      expect(() => a.send("ignored")).not.toThrow();
    });

    it("stops calling a listener once it is removed", async () => {
      const { a, b } = await open();
      const seen: string[] = [];
      const off = b.onMessage((text) => seen.push(text));
      const rest = collect(b, 2);
      a.send("one");
      await delay(50);
      off();
      a.send("two");
      expect(await rest).toEqual(["one", "two"]);
      expect(seen).toEqual(["one"]);
    });

    it("closes the channel instead of throwing when a listener throws", async () => {
      const { a, b } = await open();
      b.onMessage(() => {
        throw new Error("listener bug");
      });
      const reason = new Promise<string>((resolve) => b.onClose(resolve));
      a.send("boom");
      expect(await reason).toMatch(/listener bug/);
    });
  });
}

function collect(channel: Channel, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const got: string[] = [];
    const off = channel.onMessage((text) => {
      got.push(text);
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
    channel.onClose((reason) => reject(new Error(`closed after ${got.length} of ${count} messages: ${reason}`)));
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
