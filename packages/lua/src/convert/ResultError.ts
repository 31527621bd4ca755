/** Deepest nesting accepted when converting between JSON and Lua, in either direction. */
export const MAX_DEPTH = 64;

/**
 * Why a call's value cannot become JSON; `message` starts with "result". Both engines' readers
 * build their errors with these constructors, so the rules they enforce read the same.
 */
export class ResultError extends Error {
  static tooLarge(bytes: number, maxBytes: number): ResultError {
    return new ResultError(`result too large (${bytes} bytes > limit ${maxBytes})`);
  }

  static notConvertible(typeName: string, path: string): ResultError {
    return new ResultError(`result: ${typeName} at ${path} cannot be converted to JSON`);
  }

  static tooDeep(path: string): ResultError {
    return new ResultError(`result: table at ${path} is nested deeper than ${MAX_DEPTH} levels`);
  }

  static noStack(path: string): ResultError {
    return new ResultError(`result: table at ${path} is nested too deeply`);
  }

  static cycle(path: string): ResultError {
    return new ResultError(`result: table at ${path} contains itself (cycle)`);
  }

  static nonStringKey(path: string, key: string): ResultError {
    return new ResultError(`result: table at ${path} has a non-string key (${key})`);
  }

  static mixed(path: string): ResultError {
    return new ResultError(`result: table at ${path} mixes array items and string keys`);
  }

  static sparse(path: string): ResultError {
    return new ResultError(`result: table at ${path} is a sparse array (keys must be exactly 1..n)`);
  }

  static invalidUtf8(path: string): ResultError {
    return new ResultError(`result: string at ${path} is not valid UTF-8`);
  }

  /** The path of field `key` below `path`: `$.a`, or `$["a b"]` when the key is no identifier. */
  static childPath(path: string, key: string): string {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
  }
}
