"""The project uses Django and its libraries through their public names only (README,
"Contributing"): no private name (one leading underscore) imported from a library, no private
module of a library (``_x`` or an ``internal`` package, as allauth marks them), no private
attribute of a library object, no override of a library class's private method.

Every project module is parsed with `ast` (not .venv, not migrations). An attribute access
``something._name`` is allowed only when the project itself defines ``_name`` (a function,
class or method, an assignment, an ``annotate(_name=…)`` keyword or a ``to_attr`` string):
then it is the project's own private name, not a library's.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "migrations", "node_modules", "staticfiles", "media", "private_media"}
# Public despite the underscore: Django documents Model._meta (the Model _meta API); Python
# documents a named tuple's _replace, _asdict, _fields and _make.
ALLOWED = {"_meta", "_replace", "_asdict", "_fields", "_make"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _project_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not any(
            part in SKIPPED_DIRS or part.startswith(".") for part in path.relative_to(ROOT).parts
        )
    )


def _project_modules(files: list[Path]) -> set[str]:
    """Top-level names that are the project's: its packages and modules, and the modules of
    bench/ (its scripts import each other by their own names)."""
    names = {path.relative_to(ROOT).parts[0].removesuffix(".py") for path in files}
    names |= {path.stem for path in (ROOT / "bench").glob("*.py")}
    return names


def _defined_names(trees: list[ast.AST]) -> set[str]:
    """The private names the project defines itself."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.keyword) and node.arg:
                names.add(node.arg)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
    return {name for name in names if _private(name)}


def _private_module(module: str) -> bool:
    return any(_private(part) or part == "internal" for part in module.split("."))


class _Checker(ast.NodeVisitor):
    def __init__(self, path: Path, project: set[str], defined: set[str]) -> None:
        self.path = path.relative_to(ROOT)
        self.project = project
        self.defined = defined
        self.library_names: dict[str, str] = {}  # local name → the library object it imports
        self.problems: list[str] = []

    def _library(self, module: str, level: int = 0) -> bool:
        return level == 0 and module.split(".")[0] not in self.project

    def _report(self, node: ast.AST, what: str) -> None:
        self.problems.append(f"{self.path}:{node.lineno}: {what}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if self._library(alias.name):
                if _private_module(alias.name):
                    self._report(node, f"import of a library's private module {alias.name}")
                local = alias.asname or alias.name.split(".")[0]
                self.library_names[local] = alias.name if alias.asname else local

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if not self._library(module, node.level):
            return
        if _private_module(module):
            self._report(node, f"import from a library's private module {module}")
        for alias in node.names:
            if _private(alias.name):
                self._report(node, f"import of the private name {alias.name} from {module}")
            self.library_names[alias.asname or alias.name] = f"{module}.{alias.name}"

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _private(node.attr) and node.attr not in ALLOWED and node.attr not in self.defined:
            self._report(node, f"use of the private attribute {node.attr} of a library object")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = [base for base in map(self._resolve, node.bases) if base is not None]
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _private(item.name):
                for base in bases:
                    if hasattr(base, item.name):
                        self._report(item, f"override of {base.__name__}.{item.name}")
        self.generic_visit(node)

    def _resolve(self, expression: ast.expr):
        """The library class a base class expression names (None for the project's own)."""
        parts = []
        while isinstance(expression, ast.Attribute):
            parts.insert(0, expression.attr)
            expression = expression.value
        if not isinstance(expression, ast.Name) or expression.id not in self.library_names:
            return None
        dotted = [*self.library_names[expression.id].split("."), *parts]
        for split in range(len(dotted), 0, -1):
            try:
                found = importlib.import_module(".".join(dotted[:split]))
            except ImportError:
                continue
            for name in dotted[split:]:
                found = getattr(found, name, None)
            return found if isinstance(found, type) else None
        return None


def test_no_private_names_of_django_or_any_library():
    files = _project_files()
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in files}
    project = _project_modules(files)
    defined = _defined_names(list(trees.values()))
    problems = []
    for path, tree in trees.items():
        checker = _Checker(path, project, defined)
        checker.visit(tree)
        problems += checker.problems
    assert problems == []


def test_the_check_finds_each_kind_of_private_use():
    source = """
from django.middleware.csrf import _unmask_cipher_token
from allauth.core.internal.httpkit import headed_redirect_response
import django.utils._os
from django.core.cache.backends.redis import RedisCacheClient
from django.db.models import Model

class Client(RedisCacheClient):
    def _get_connection_pool_index(self, write):
        return self._servers

def f(request):
    return request._login_stage, Model._meta, request.own_state._mine

_mine = 1
"""
    path = ROOT / "kosmo" / "example.py"
    tree = ast.parse(source)
    checker = _Checker(path, {"kosmo"}, _defined_names([tree]))
    checker.visit(tree)
    assert [problem.split(": ", 1)[1] for problem in checker.problems] == [
        "import of the private name _unmask_cipher_token from django.middleware.csrf",
        "import from a library's private module allauth.core.internal.httpkit",
        "import of a library's private module django.utils._os",
        "override of RedisCacheClient._get_connection_pool_index",
        "use of the private attribute _servers of a library object",
        "use of the private attribute _login_stage of a library object",
    ]
