"""The import rules of docs/architecture.md, checked on the source."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ALLOWED = {
    "lib": set(),
    "audit": {"lib", "core"},
    "organizations": {"audit", "lib", "core"},
    "identity": {"organizations", "audit", "lib", "core"},
    "calendar": {"audit", "lib", "core"},
    "printing": {"lib", "core"},
    "outbox": {"audit", "lib", "core"},
    "attachments": {"identity", "audit", "lib", "core"},
    "catalog": {"identity", "organizations", "calendar", "audit", "lib", "core"},
    "dossiers": {
        "catalog",
        "identity",
        "organizations",
        "calendar",
        "printing",
        "attachments",
        "outbox",
        "audit",
        "lib",
        "core",
    },
    "payments": {
        "dossiers",
        "identity",
        "organizations",
        "outbox",
        "printing",
        "audit",
        "lib",
        "core",
    },
    "postal": {"dossiers", "identity", "organizations", "outbox", "audit", "lib", "core"},
    "notifications": {
        "dossiers",
        "identity",
        "organizations",
        "calendar",
        "outbox",
        "audit",
        "lib",
        "core",
    },
    "demo": {"identity", "organizations", "calendar", "catalog", "audit", "lib", "core"},
}
WEB_MODULES = {"api", "views", "admin", "urls", "management", "forms", "templatetags"}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return [name for name in names if name.startswith("tinhso.")]


def domain_modules(app: str) -> list[Path]:
    root = PACKAGE / app
    return [
        path
        for path in root.rglob("*.py")
        if not ({"tests", "migrations"} & set(path.relative_to(root).parts))
        and path.relative_to(root).parts[0].removesuffix(".py") not in WEB_MODULES
    ]


def test_apps_import_only_what_the_architecture_allows() -> None:
    violations = []
    for app, allowed in ALLOWED.items():
        for path in domain_modules(app):
            for name in imports_of(path):
                target = name.split(".")[1]
                if target != app and target not in allowed:
                    violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_domain_code_never_imports_the_web_layer() -> None:
    violations = []
    for app in ALLOWED:
        for path in domain_modules(app):
            for name in imports_of(path):
                parts = name.split(".")
                if len(parts) > 2 and parts[2] in WEB_MODULES:
                    violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert violations == []
