import type * as L from "luaparse";

/** How one block's gotos become JS: each goto's statement, and the block emitted with the labeled wrappers they jump by. */
export interface GotoPlan {
  gotos: Map<L.GotoStatement, string>;
  emit(statement: (s: L.Statement) => string, tick: (at: L.Node) => string): string;
}

interface Region {
  start: number;
  end: number;
  label: string;
  backward: boolean;
  at: L.Node;
}

/**
 * Plans the gotos that target labels of one block. A forward goto becomes `break $J` out of a
 * labeled block that runs from the goto's statement to the label; a backward goto becomes
 * `continue $J` of a `while (true)` that runs from the label to the block's end (a back-edge,
 * so it is charged to the budget). Jumps whose regions cross each other are refused.
 */
export function planGotos(stmts: L.Statement[], newLabel: () => string, refuse: (node: L.Node, message: string) => never): GotoPlan {
  const gotos = new Map<L.GotoStatement, string>();
  const regions: Region[] = [];
  const seen = new Set<string>();
  stmts.forEach((s, k) => {
    if (s.type !== "LabelStatement") return;
    const name = s.label.name;
    if (seen.has(name)) refuse(s, `label '${name}' already defined`);
    seen.add(name);
    let forward: Region | undefined;
    let backward: Region | undefined;
    stmts.forEach((top, g) => {
      for (const found of gotosTo(top, name)) {
        if (g < k) {
          forward ??= { start: g, end: k, label: newLabel(), backward: false, at: s };
          forward.start = Math.min(forward.start, g);
          gotos.set(found, `break ${forward.label};`);
        } else {
          backward ??= { start: k, end: stmts.length, label: newLabel(), backward: true, at: s };
          gotos.set(found, `continue ${backward.label};`);
        }
      }
    });
    if (forward !== undefined) {
      const atEnd = stmts.slice(k).every((t) => t.type === "LabelStatement");
      for (let i = forward.start; i < k && !atEnd; i++) {
        const t = stmts[i]!;
        if (t.type === "LocalStatement" || (t.type === "FunctionDeclaration" && t.isLocal)) {
          const local = t.type === "LocalStatement" ? t.variables[0]!.name : (t.identifier as L.Identifier).name;
          refuse(s, `<goto ${name}> jumps into the scope of local '${local}'`);
        }
      }
      regions.push(forward);
    }
    if (backward !== undefined) regions.push(backward);
  });
  for (const a of regions) {
    for (const b of regions) {
      if (a !== b && a.start < b.start && b.start < a.end && a.end < b.end) refuse(b.at, "gotos whose jumps cross each other are not supported by the compiled engine");
    }
  }
  regions.sort((a, b) => a.start - b.start || b.end - a.end);

  return {
    gotos,
    emit(statement, tick) {
      const range = (from: number, to: number, inside: Region[]): string => {
        let out = "";
        let i = from;
        while (i < to) {
          const r = inside.find((x) => x.start === i);
          if (r === undefined) {
            out += statement(stmts[i]!);
            i++;
            continue;
          }
          const nested = inside.filter((x) => x !== r && x.start >= r.start && x.end <= r.end);
          const body = range(r.start, r.end, nested);
          out += r.backward ? `${r.label}: while (true) {${tick(r.at)} ${body} break; }` : `${r.label}: {${body}}`;
          inside = inside.filter((x) => x !== r && !nested.includes(x));
          i = r.end;
        }
        return out;
      };
      return range(0, stmts.length, regions);
    },
  };
}

/** The gotos to `name` inside `node`, not entering functions nor blocks that define their own `name`. */
function gotosTo(node: L.Node, name: string): L.GotoStatement[] {
  const out: L.GotoStatement[] = [];
  const visit = (n: L.Node) => {
    if (n.type === "GotoStatement") {
      if (n.label.name === name) out.push(n);
      return;
    }
    if (n.type === "FunctionDeclaration") return;
    for (const body of bodies(n)) {
      if (body.some((s) => s.type === "LabelStatement" && s.label.name === name)) continue;
      body.forEach(visit);
    }
  };
  visit(node);
  return out;
}

function bodies(n: L.Node): L.Statement[][] {
  switch (n.type) {
    case "DoStatement":
    case "WhileStatement":
    case "RepeatStatement":
    case "ForNumericStatement":
    case "ForGenericStatement":
      return [n.body];
    case "IfStatement":
      return n.clauses.map((c) => c.body);
    default:
      return [];
  }
}
