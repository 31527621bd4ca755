import type { DiffCase } from "./DiffCase.ts";
import { errorCases } from "./corpus/errorCases.ts";
import { fixedCases } from "./corpus/fixedCases.ts";
import { formatCases } from "./corpus/formatCases.ts";
import { functionCases } from "./corpus/functionCases.ts";
import { knownCases } from "./corpus/knownCases.ts";
import { metatableCases } from "./corpus/metatableCases.ts";
import { numberCases } from "./corpus/numberCases.ts";
import { openCases } from "./corpus/openCases.ts";
import { stringCases } from "./corpus/stringCases.ts";
import { tableCases } from "./corpus/tableCases.ts";
import { utf8Cases } from "./corpus/utf8Cases.ts";

/** Every program both engines must run as native Lua 5.4 does (or, on fengari, refuse naming `--engine wasmoon`). */
export const CORPUS: readonly DiffCase[] = [
  ...stringCases,
  ...formatCases,
  ...numberCases,
  ...tableCases,
  ...functionCases,
  ...metatableCases,
  ...errorCases,
  ...utf8Cases,
  ...knownCases,
  ...fixedCases,
  ...openCases,
];
