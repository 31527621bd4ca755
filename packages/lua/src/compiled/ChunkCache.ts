import { compileLua, type CompileOptions, type CompiledChunk } from "./compileLua.ts";

/**
 * Compiled chunks by name, budget setting and source, so the jobs of one script (a sweep submitted
 * again, a job per parameter set) compile it once per thread and keep what V8 learnt running it:
 * its optimised code and type feedback live on the compiled function, which a fresh compile throws
 * away. A chunk holds no run's state (each run starts with fresh globals, operations and budget; its
 * constants are frozen), so jobs sharing one share only code. Bounded by entries and by characters
 * (key and generated code), the least recently used going first; a chunk larger than the character
 * bound is compiled and not kept. Errors are not kept: the caller keeps a job's failure.
 */
export class ChunkCache {
  readonly #maxEntries: number;
  readonly #maxChars: number;
  /** Least recently used first. */
  readonly #chunks = new Map<string, { chunk: CompiledChunk; chars: number }>();
  #chars = 0;

  constructor(maxEntries: number, maxChars: number) {
    this.#maxEntries = maxEntries;
    this.#maxChars = maxChars;
  }

  /** Chunks kept and their characters. */
  get size(): { entries: number; chars: number } {
    return { entries: this.#chunks.size, chars: this.#chars };
  }

  /** {@link compileLua}, or the chunk compiled earlier from the same source with the same options. */
  compile(source: string, options: CompileOptions = {}): CompiledChunk {
    const key = `${options.chunkName ?? ""}\u0000${options.budget ?? true}\u0000${source}`;
    const hit = this.#chunks.get(key);
    if (hit !== undefined) {
      this.#chunks.delete(key);
      this.#chunks.set(key, hit);
      return hit.chunk;
    }
    const chunk = compileLua(source, options);
    const chars = key.length + chunk.compiled.js.length;
    if (chars > this.#maxChars || this.#maxEntries === 0) return chunk;
    while (this.#chunks.size >= this.#maxEntries || this.#chars + chars > this.#maxChars) {
      const [oldest, entry] = this.#chunks.entries().next().value!;
      this.#chunks.delete(oldest);
      this.#chars -= entry.chars;
    }
    this.#chunks.set(key, { chunk, chars });
    this.#chars += chars;
    return chunk;
  }
}

/** The chunks of this thread's jobs: 16, at most 8 M characters. */
export const chunkCache = new ChunkCache(16, 8 * 1024 * 1024);
