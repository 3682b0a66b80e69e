"""Summarise the axe-core findings the browser suite wrote, per role, as a Markdown table.

    python -m tests.browser.axe_summary [test-artifacts]

Each checked page is one page at one width in one language (with or without validation
errors showing); a count under an impact is how many checked pages had at least one
violation of that impact, and the rules column names each rule with its number of pages.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

IMPACTS = ("critical", "serious", "moderate", "minor")


def read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def summary(folder: Path) -> str:
    checked = read_lines(folder / "axe-pages.jsonl")
    violations = read_lines(folder / "axe-violations.jsonl")
    pages_per_role = Counter(entry["role"] for entry in checked)
    by_impact: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    rules: dict[str, Counter] = defaultdict(Counter)
    for entry in violations:
        key = (entry["page"], entry["language"], entry["width"])
        by_impact[entry["role"]][entry["impact"]].add(key)
        rules[entry["role"]][f"{entry['rule']} ({entry['impact']})"] += 1
    lines = ["| Role | Pages checked | " + " | ".join(IMPACTS) + " | Rules (pages) |",
             "|---|---:|" + "---:|" * len(IMPACTS) + "---|"]
    for role in sorted(pages_per_role):
        counts = " | ".join(str(len(by_impact[role][impact])) for impact in IMPACTS)
        named = ", ".join(f"{rule}: {n}" for rule, n in sorted(rules[role].items())) or "none"
        lines.append(f"| {role} | {pages_per_role[role]} | {counts} | {named} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1] if len(sys.argv) > 1 else "test-artifacts")))
