"""The dependencies run one way (CONVENTIONS): hikikomori ← cases ← outreach ← reports, the apps
built on them (casework, retention, exchange) above; nothing imports upward, and no module
imports itself back through another. The write door announces changes (cases/changes.py) and
the report's derived data listens."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["hikikomori", "cases", "outreach", "reports", "casework", "retention", "exchange"]
# What each app may import, beyond itself (any import: module level or inside a function).
ALLOWED = {
    "hikikomori": set(),
    "cases": {"hikikomori"},
    "outreach": {"hikikomori", "cases"},
    "reports": {"hikikomori", "cases", "outreach"},
}


def _modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            yield name, path


def _imports(path: Path, name: str, *, module_level: bool):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    nodes = tree.body if module_level else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def test_no_app_imports_an_app_above_it():
    upward = []
    for name, path in _modules():
        app = name.split(".")[0]
        if app not in ALLOWED:
            continue
        for module, _ in _imports(path, name, module_level=False):
            target = module.split(".")[0]
            if target in APPS and target != app and target not in ALLOWED[app]:
                upward.append(f"{name} imports {module}")
    assert upward == []


def test_no_module_imports_itself_back_through_another():
    modules = dict(_modules())
    graph = {}
    for name, path in modules.items():
        deps = set()
        for module, names in _imports(path, name, module_level=True):
            for candidate in [module, *(f"{module}.{n}" for n in names)]:
                if candidate in modules and candidate != name:
                    deps.add(candidate)
        graph[name] = deps
    cycles, index, low, stack, on = [], {}, {}, [], set()

    def visit(node, counter=[0]):  # noqa: B006 - Tarjan's running index
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []
