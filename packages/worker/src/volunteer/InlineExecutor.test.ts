import { runExecutorTests } from "../testing/runExecutorTests.ts";
import { InlineExecutor } from "./InlineExecutor.ts";

runExecutorTests("InlineExecutor", () => new InlineExecutor());
