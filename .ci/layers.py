#!/usr/bin/env python3
"""Print the imports that run the wrong way between the apps, and every import cycle between modules.

Usage (from the project's root):  python .ci/layers.py [ROOT] [--order centers,courses,reports]
Exit 1 when it prints anything, 0 when the layering holds.

The order names the apps from the bottom up: an app may import those before it, never those after it.
Imports inside functions count like any other: a cycle hidden in a function is still a cycle.
Not read: tests/, migrations, .venv, static/, and the packages named in --free (they may import anything).
"""

import argparse
import ast
import pathlib
import sys

SKIP_DIRS = {".venv", "venv", "node_modules", "static", "staticfiles", "tests", "migrations", "__pycache__", ".git"}


def module_name(root: pathlib.Path, path: pathlib.Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported(tree: ast.AST, this: str, is_package: bool):
    """Yield (line, module) for every import in the tree, relative imports resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = this.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base)
                mod = f"{prefix}.{node.module}" if node.module else prefix
            else:
                mod = node.module or ""
            yield node.lineno, mod
            for alias in node.names:  # `from reports import selectors` imports a module too
                yield node.lineno, f"{mod}.{alias.name}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=".")
    ap.add_argument("--order", default="centers,courses,reports")
    ap.add_argument("--free", default="config,demo,manage", help="packages that may import anything")
    args = ap.parse_args()
    root = pathlib.Path(args.root).resolve()
    order = args.order.split(",")
    free = set(args.free.split(","))

    modules = {}
    for path in sorted(root.rglob("*.py")):
        if any(part in SKIP_DIRS for part in path.relative_to(root).parts):
            continue
        modules[module_name(root, path)] = path

    graph: dict[str, set[str]] = {m: set() for m in modules}
    where: dict[tuple[str, str], int] = {}
    for mod, path in modules.items():
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except SyntaxError as exc:
            print(f"{path}: cannot parse ({exc})")
            return 1
        for line, target in imported(tree, mod, path.name == "__init__.py"):
            if target in modules and target != mod:
                graph[mod].add(target)
                where.setdefault((mod, target), line)

    out = []
    rank = {app: i for i, app in enumerate(order)}
    for mod, targets in sorted(graph.items()):
        app = mod.split(".")[0]
        if app in free or app not in rank:
            continue
        for target in sorted(targets):
            other = target.split(".")[0]
            if other in rank and rank[other] > rank[app]:
                place = f"{modules[mod].relative_to(root)}:{where[(mod, target)]}"
                out.append(f"wrong way: {mod} imports {target} ({place})")

    # Cycles: strongly connected components of more than one module (Tarjan).
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    for comp in comps:
        if all(m.split(".")[0] in free for m in comp):
            continue
        links = [f"{a} -> {b} (line {where[(a, b)]})" for a in comp for b in sorted(graph[a]) if b in comp]
        out.append(f"cycle of {len(comp)} modules: " + "; ".join(links))

    for line in out:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
