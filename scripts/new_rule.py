"""Scaffolds a new wirelint rule: its rule file, its registration line and its fixture.

    python scripts/new_rule.py WL310 retry-name retries

writes `crates/wirelint_linter/src/rules/retries/retry_name.rs` (documentation headings,
the rule's declaration and an empty check), adds `pub(crate) mod retry_name;` to
`rules/retries/mod.rs` (the registration: the build script registers every declared rule
file) and writes `resources/fixtures/retries/WL310.py`. Nothing else needs editing: the
README table, the rule's page under docs/rules/, the policy page's lists, `wirelint rule`,
SARIF metadata and the documentation test follow from the declaration. CONTRIBUTING.md
walks through the rest.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

LINTER = Path("crates/wirelint_linter")
RULES = LINTER / "src/rules"
FIXTURES = LINTER / "resources/fixtures"
REGISTRY = LINTER / "src/registry.rs"

CODE = re.compile(r"^WL\d{3}$")
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

RULE_FILE = """\
//! # {name} ({code})
//!
//! *Preview: runs only with `--preview`.*
//!
//! ## What it does
//! TODO: what the rule flags, in one paragraph.
//!
//! ## Why is this bad?
//! TODO: what goes wrong in production, and when.
//!
//! ## Example
//! ```python
//! TODO
//! ```
//!
//! ## Use instead
//! ```python
//! TODO
//! ```
//!
//! ## References
//! - `docs/policy.md`, "{policy_section}"

use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::registry::{{Family, FixAvailability, Marker, Status}};
use crate::rules::{{Hooks, RuleDef}};
use crate::semantic::CallTarget;

pub(crate) const RULE: RuleDef = RuleDef {{
    code: "{code}",
    name: "{name}",
    family: Family::{family_variant},
    status: Status::Preview,
    summary: "TODO: what it flags, in one line.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {{
        call: Some(check_call),
        ..Hooks::NONE
    }},
}};

/// Called for every call, with what it talks to.
fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {{
    // TODO: decide whether `call` breaks the rule; then report it:
    // let diagnostic = checker.locator.diagnostic(Rule::{variant}, message, call.range());
    // checker.report(diagnostic);
    let _ = (checker, call, target);
}}
"""

FIXTURE = '''\
"""{code} {name} (preview): TODO what the cases cover."""
import httpx


def must_fire(client: httpx.Client):
    client.get("/items")  # error: [{code}]


def must_not_fire(client: httpx.Client):
    client.get("/items", timeout=httpx.Timeout(5.0, pool=1.0))  # ok
'''


# The section of docs/policy.md a new rule of each family cites until its author picks a
# better one; the policy page's "Enforced by" lists are generated from these citations.
POLICY_SECTIONS = {
    "lifecycle": "Client Construction",
    "timeouts": "Timeout Granularity",
    "retries": "Retry Policy",
    "errors": "Error Hierarchy",
    "streaming": "Streaming",
    "secrets": "Non-negotiables",
    "configuration": "Settings & Config",
    "concurrency": "Client Construction",
    "structured_outputs": "Structured Outputs",
    "internal": "Non-negotiables",
}


class ScaffoldError(Exception):
    """The arguments or the tree do not allow the scaffold."""


def families(root: Path) -> dict[str, tuple[str, str]]:
    """Each family's folder name, with its `Family` variant and code prefix, read from
    `Family::name()` and `Family::prefix()` in the registry."""
    registry = (root / REGISTRY).read_text(encoding="utf-8")

    def arms(function: str) -> dict[str, str]:
        start = registry.index(f"pub const fn {function}(self)")
        body = registry[start : registry.index("\n    }\n", start)]
        return dict(re.findall(r'Family::(\w+) => "([^"]+)"', body))

    prefixes = arms("prefix")
    return {name: (variant, prefixes[variant]) for variant, name in arms("name").items()}


def declared_rules(root: Path) -> list[tuple[str, str]]:
    """The (code, name) of every rule file under `rules/`."""
    found = []
    for path in sorted((root / RULES).glob("*/*.rs")):
        text = path.read_text(encoding="utf-8")
        code = re.search(r'\n    code: "(WL\d{3})",', text)
        name = re.search(r'\n    name: "([^"]+)",', text)
        if code and name:
            found.append((code.group(1), name.group(1)))
    return found


def register(mod_rs: Path, module: str) -> None:
    """Adds `pub(crate) mod MODULE;` to a family's `mod.rs`, among the other module lines
    in sorted order."""
    lines = mod_rs.read_text(encoding="utf-8").splitlines(keepends=True)
    declaration = f"pub(crate) mod {module};\n"
    module_lines = [index for index, line in enumerate(lines) if line.startswith("pub(crate) mod ")]
    if not module_lines:
        raise ScaffoldError(f"{mod_rs} declares no rule modules to add one beside")
    position = next(
        (index for index in module_lines if lines[index] > declaration),
        module_lines[-1] + 1,
    )
    lines.insert(position, declaration)
    mod_rs.write_text("".join(lines), encoding="utf-8")


def scaffold(root: Path, code: str, name: str, family: str) -> list[Path]:
    """Writes the rule file and the fixture and registers the module; returns the paths."""
    if not CODE.match(code):
        raise ScaffoldError(f"`{code}` is not a rule code like WL310")
    if not NAME.match(name):
        raise ScaffoldError(f"`{name}` is not a kebab-case rule name like retry-name")
    known = families(root)
    if family not in known:
        raise ScaffoldError(f"unknown family `{family}`; one of: {', '.join(sorted(known))}")
    family_variant, prefix = known[family]
    if not code.startswith(prefix):
        raise ScaffoldError(f"{family} codes start with {prefix}, not {code[:3]}")
    for existing_code, existing_name in declared_rules(root):
        if existing_code == code or existing_name == name:
            raise ScaffoldError(f"{existing_code} {existing_name} already exists")
    module = name.replace("-", "_")
    rule_file = root / RULES / family / f"{module}.rs"
    fixture = root / FIXTURES / family / f"{code}.py"
    for path in (rule_file, fixture):
        if path.exists():
            raise ScaffoldError(f"{path} already exists")
    variant = "".join(word.capitalize() for word in name.split("-"))
    rule_file.write_text(
        RULE_FILE.format(
            code=code,
            name=name,
            family_variant=family_variant,
            variant=variant,
            policy_section=POLICY_SECTIONS.get(family, "Non-negotiables"),
        ),
        encoding="utf-8",
    )
    fixture.write_text(FIXTURE.format(code=code, name=name), encoding="utf-8")
    mod_rs = root / RULES / family / "mod.rs"
    register(mod_rs, module)
    return [rule_file, mod_rs, fixture]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scaffold a new wirelint rule.")
    parser.add_argument("code", help="the rule's code, e.g. WL310")
    parser.add_argument("name", help="the rule's kebab-case name, e.g. retry-name")
    parser.add_argument("family", help="the family folder, e.g. retries")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the repository root (default: this script's repository)",
    )
    arguments = parser.parse_args(argv)
    try:
        written = scaffold(arguments.root, arguments.code, arguments.name, arguments.family)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(arguments.root)}")
    print(
        "next: write the check and the fixture's cases (CONTRIBUTING.md, 'Add a rule'), then\n"
        "  WIRELINT_UPDATE_SNAPSHOTS=1 cargo test -p wirelint_linter fixture   # review the .snap\n"
        "  WIRELINT_UPDATE_README=1 cargo test -p wirelint_linter readme       # the rule table\n"
        "  WIRELINT_UPDATE_DOCS=1 cargo test -p wirelint_linter rule_pages     # docs/rules, policy"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
