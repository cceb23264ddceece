#!/usr/bin/env python3
"""The ecosystem check: run twelve-lint over real repositories and judge it by a reviewed ledger.

    ecosystem/check.py checkout CHECKOUTS        clone the manifest's repositories at their commits
    ecosystem/check.py run CHECKOUTS [options]   lint them, diff against the snapshot, report precision and recall

Each repository of ecosystem/repos.toml lives at CHECKOUTS/<owner>+<name>. `run` lints it with
`--preview` (every rule) and once more as a default run (stable rules, for the exit code), then:

- prints per-rule finding counts;
- diffs the findings (repository, path, line, code) against ecosystem/snapshot.tsv, so every rule
  change shows what it adds and removes on real code (`--update` rewrites the snapshot);
- joins the findings with the verdicts of ecosystem/ledger.tsv: per-rule precision (TP / reviewed),
  findings of stable rules the ledger does not cover, and whether each rule's stability holds the bar;
- reports recall on the real violations listed in ecosystem/violations.tsv;
- lists the services whose default run exits 0.

Exit status: 0 when every stable-rule finding is reviewed and every stable rule meets the bar,
1 otherwise, 2 on a usage or setup error. Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MANIFEST = HERE / "repos.toml"
SNAPSHOT = HERE / "snapshot.tsv"
LEDGER = HERE / "ledger.tsv"
VIOLATIONS = HERE / "violations.tsv"
VERDICTS = ("TP", "FP", "NOISE")

# The stability bar (issue 13): at least 90% TP over at least 10 reviewed real findings, or,
# for a rule that seldom fires, at least 3 reviewed real TPs and no FP.
BAR_PRECISION = 0.90
BAR_REVIEWED = 10
BAR_SELDOM_TP = 3


@dataclass(frozen=True, order=True)
class Key:
    """A finding's identity on the pinned ecosystem: repository, path, line, code."""

    repo: str
    path: str
    line: int
    code: str

    def tsv(self) -> str:
        return f"{self.repo}\t{self.path}\t{self.line}\t{self.code}"


@dataclass
class Finding:
    key: Key
    severity: str
    message: str
    related: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Verdict:
    verdict: str
    reason: str


@dataclass
class Violation:
    repo: str
    path: str
    line: int
    factor: int
    what: str


def die(message: str) -> None:
    print(f"ecosystem: {message}", file=sys.stderr)
    sys.exit(2)


def load_manifest() -> list[dict]:
    with MANIFEST.open("rb") as f:
        return tomllib.load(f)["repo"]


def checkout_dir(base: Path, name: str) -> Path:
    return base / name.replace("/", "+")


def tsv_rows(path: Path, columns: int) -> list[list[str]]:
    """Rows of a tab-separated file; `#` lines and blank lines are skipped."""
    rows = []
    if not path.exists():
        return rows
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < columns:
            die(f"{path.name}:{n}: expected {columns} tab-separated columns, got {len(cells)}")
        rows.append(cells)
    return rows


def load_ledger() -> dict[Key, Verdict]:
    ledger = {}
    for n, (repo, path, line, code, verdict, reason, *_) in enumerate(tsv_rows(LEDGER, 6), 1):
        if verdict not in VERDICTS:
            die(f"ledger.tsv: row {n}: verdict `{verdict}` is not one of {', '.join(VERDICTS)}")
        if not reason.strip():
            die(f"ledger.tsv: row {n}: a verdict needs a one-line reason")
        ledger[Key(repo, path, int(line), code)] = Verdict(verdict, reason)
    return ledger


def load_violations() -> list[Violation]:
    return [
        Violation(repo, path, int(line), int(factor), what)
        for repo, path, line, factor, what, *_ in tsv_rows(VIOLATIONS, 5)
    ]


def load_snapshot() -> set[Key]:
    return {Key(r, p, int(l), c) for r, p, l, c, *_ in tsv_rows(SNAPSHOT, 4)}


def rule_table(binary: Path) -> dict[str, dict]:
    out = subprocess.run([binary, "rules", "--format", "json"], capture_output=True, text=True, check=True)
    return {r["code"]: r for r in json.loads(out.stdout)}


def lint(
    binary: Path, repo_dir: Path, repo: str, preview: bool, extra: list[str]
) -> tuple[int, list[Finding]]:
    args = [str(binary), "--format", "json", "--quiet", *extra]
    if preview:
        args.append("--preview")
    proc = subprocess.run(args + ["."], cwd=repo_dir, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        die(f"{repo}: twelve-lint exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    doc = json.loads(proc.stdout)
    findings = [
        Finding(
            Key(repo, d["path"], d["line"], d["code"]),
            d["severity"],
            d["message"],
            [(r["path"], r["line"]) for r in d.get("related", [])],
        )
        for d in doc["diagnostics"]
    ]
    return proc.returncode, findings


def linted_paths(binary: Path, repo_dir: Path) -> list[str]:
    """The files of kinds twelve-lint reads, from `twelve-lint deployments`."""
    proc = subprocess.run(
        [str(binary), "deployments", "--format", "json", "."], cwd=repo_dir, capture_output=True, text=True
    )
    if proc.returncode != 0:
        die(f"{repo_dir.name}: `twelve-lint deployments` exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    return [f["path"] for f in json.loads(proc.stdout)["files"]]


def cmd_checkout(args: argparse.Namespace) -> int:
    base = Path(args.checkouts)
    base.mkdir(parents=True, exist_ok=True)
    for repo in load_manifest():
        target = checkout_dir(base, repo["name"])
        if not target.exists():
            url = f"https://github.com/{repo['name']}.git"
            subprocess.run(["git", "clone", "--quiet", "--filter=blob:none", url, str(target)], check=True)
        subprocess.run(["git", "-C", str(target), "checkout", "--quiet", repo["commit"]], check=True)
        print(f"{repo['name']} @ {repo['commit'][:8]}")
    return 0


def precision_text(tp: int, reviewed: int) -> str:
    return f"{tp}/{reviewed} ({100 * tp // reviewed}%)" if reviewed else "-"


def meets_bar(tp: int, fp: int, noise: int) -> bool:
    reviewed = tp + fp + noise
    if reviewed >= BAR_REVIEWED and tp >= BAR_PRECISION * reviewed:
        return True
    return tp >= BAR_SELDOM_TP and fp == 0 and tp >= BAR_PRECISION * reviewed


def cmd_run(args: argparse.Namespace) -> int:
    base = Path(args.checkouts)
    binary = Path(args.bin).resolve()
    if not binary.exists():
        die(f"{binary} not found; build it with `cargo build --release`")
    rules = rule_table(binary)
    # The tool's own diagnostics (factor 0: parse errors, suppressions) are not judged here.
    stable = {code for code, r in rules.items() if r.get("stability") == "stable" and r["factor"]}
    manifest = load_manifest()
    if args.repo:
        manifest = [r for r in manifest if r["name"] in args.repo]

    findings: list[Finding] = []
    default_exit: dict[str, int] = {}
    linted_files: set[tuple[str, str]] = set()
    for repo in manifest:
        repo_dir = checkout_dir(base, repo["name"])
        if not repo_dir.is_dir():
            die(f"{repo_dir} is missing; run `ecosystem/check.py checkout {base}`")
        head = subprocess.run(
            ["git", "-C", str(repo_dir), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        if head != repo["commit"]:
            die(f"{repo['name']} is at {head[:8] or '?'}, the manifest pins {repo['commit'][:8]}")
        _, found = lint(binary, repo_dir, repo["name"], preview=True, extra=args.arg)
        findings += found
        default_exit[repo["name"]], _ = lint(binary, repo_dir, repo["name"], preview=False, extra=args.arg)
        linted_files |= {(repo["name"], path) for path in linted_paths(binary, repo_dir)}

    current = {f.key: f for f in findings}
    if args.out:
        Path(args.out).write_text(
            "".join(f"{k.tsv()}\t{current[k].severity}\t{current[k].message}\n" for k in sorted(current)),
            encoding="utf-8",
        )

    # Per-rule counts.
    print("== findings per rule (all rules, --preview)")
    by_rule = Counter(k.code for k in current)
    repos_by_rule = defaultdict(set)
    for k in current:
        repos_by_rule[k.code].add(k.repo)
    for code in sorted(by_rule):
        print(f"  {code}  {rules.get(code, {}).get('stability', '?'):8} {by_rule[code]:5}  in {len(repos_by_rule[code])} repos")
    print(f"  total {len(current)}")

    # Snapshot diff (only for the repositories that ran).
    ran = {r["name"] for r in manifest}
    before = {k for k in load_snapshot() if k.repo in ran}
    added, removed = sorted(set(current) - before), sorted(before - set(current))
    print(f"\n== against the snapshot: +{len(added)} -{len(removed)}")
    for k in added[: args.show]:
        print(f"  + {k.tsv()}  {current[k].message[:100]}")
    for k in removed[: args.show]:
        print(f"  - {k.tsv()}")
    if len(added) + len(removed) > 2 * args.show:
        print(f"  (first {args.show} of each shown)")
    if args.update:
        others = {k for k in load_snapshot() if k.repo not in ran}
        rows = sorted(others | set(current))
        SNAPSHOT.write_text(
            "# repo\tpath\tline\tcode (written by `ecosystem/check.py run --update`)\n"
            + "".join(k.tsv() + "\n" for k in rows),
            encoding="utf-8",
        )
        print(f"  snapshot updated: {len(rows)} findings")

    # Precision from the ledger.
    ledger = load_ledger()
    counts: dict[str, Counter] = defaultdict(Counter)
    unreviewed = []
    for k in sorted(current):
        v = ledger.get(k)
        if v:
            counts[k.code][v.verdict] += 1
        elif k.code in stable:
            unreviewed.append(k)
    stale = sorted(k for k in ledger if k.repo in ran and k not in current)
    tool_rules = {code for code, r in rules.items() if r["factor"] == 0}
    print("\n== precision from the ledger (TP / reviewed; reviewed = TP + FP + NOISE)")
    print(f"  {'code':7}{'stability':10}{'findings':>9}{'TP':>5}{'FP':>5}{'NOISE':>6}  precision      bar")
    failing_bar = []
    for code in sorted((set(by_rule) | set(counts) | stable) - tool_rules):
        c = counts[code]
        reviewed = c["TP"] + c["FP"] + c["NOISE"]
        ok = meets_bar(c["TP"], c["FP"], c["NOISE"])
        status = rules.get(code, {}).get("stability", "?")
        mark = "meets" if ok else ("FAILS" if code in stable else "-")
        if code in stable and not ok:
            failing_bar.append(code)
        print(
            f"  {code:7}{status:10}{by_rule[code]:9}{c['TP']:5}{c['FP']:5}{c['NOISE']:6}  "
            f"{precision_text(c['TP'], reviewed):14} {mark}"
        )
    stable_factor = [k for k in current if k.code in stable]
    if unreviewed:
        print(f"\n  {len(unreviewed)} stable-rule findings are not in the ledger; no precision is reported:")
        for k in unreviewed[: args.show]:
            print(f"    ? {k.tsv()}  {current[k].message[:100]}")
    else:
        tp = sum(1 for k in stable_factor if ledger[k].verdict == "TP")
        print(f"\n  stable rules, all findings: {precision_text(tp, len(stable_factor))}")
    if stale:
        print(f"  {len(stale)} ledger rows match no current finding (the rule moved or stopped reporting them)")
        for k in stale[: args.show]:
            print(f"    ~ {k.tsv()}")

    # Recall on the reviewers' list of real violations.
    violations = [v for v in load_violations() if v.repo in ran]
    print(f"\n== recall on {len(violations)} listed violations")

    def at_violation(v: Violation, codes: set[str] | None):
        """Current findings of the violation's factor (of rules in `codes`), with their places."""
        for f in current.values():
            if f.key.repo != v.repo or (codes is not None and f.key.code not in codes):
                continue
            if rules.get(f.key.code, {}).get("factor") != v.factor:
                continue
            yield f, [(f.key.path, f.key.line)] + f.related

    def found(v: Violation, codes: set[str] | None) -> bool:
        for f, places in at_violation(v, codes):
            verdict = ledger.get(f.key)
            # A finding the ledger judges wrong or not worth acting on finds nothing.
            if verdict is not None and verdict.verdict != "TP":
                continue
            if (v.path, v.line) in places:
                return True
            # A reviewed true positive whose locations include the violation's file reports it,
            # whichever line of the construct the reviewer and the rule chose.
            if verdict is not None and v.path in {p for p, _ in places}:
                return True
        return False

    # A listed violation at the very place of a finding the ledger calls FP or NOISE, and
    # found by no other: the two reviews disagree, and one of them must be mended.
    contradicted = [
        (v, f.key.code, ledger[f.key].verdict)
        for v in violations
        for f, places in at_violation(v, None)
        if (v.path, v.line) in places
        and f.key in ledger
        and ledger[f.key].verdict != "TP"
        and not found(v, None)
    ]
    if contradicted:
        print(f"  {len(contradicted)} listed violation(s) where the ledger judges the finding otherwise:")
        for v, code, verdict in contradicted:
            print(f"    ! {v.repo} {v.path}:{v.line} factor {v.factor}: {code} is {verdict} in the ledger")

    readable = [v for v in violations if (v.repo, v.path) in linted_files]
    for label, codes in (("stable rules", stable), ("with preview", None)):
        hits = sum(found(v, codes) for v in violations)
        in_read = sum(found(v, codes) for v in readable)
        print(
            f"  {label}: {hits}/{len(violations)}"
            + (f" ({100 * hits / len(violations):.0f}%)" if violations else "")
            + f"; in files twelve-lint reads: {in_read}/{len(readable)}"
            + (f" ({100 * in_read / len(readable):.0f}%)" if readable else "")
        )
    if args.verbose:
        for v in violations:
            mark = "stable" if found(v, stable) else "preview" if found(v, None) else "missed"
            print(f"    {mark:7} {v.repo} {v.path}:{v.line} factor {v.factor}: {v.what[:100]}")

    # Default runs.
    print("\n== default run (stable rules): exit codes")
    listed = Counter(v.repo for v in load_violations())
    for repo in manifest:
        name = repo["name"]
        print(
            f"  {default_exit[name]}  {name:42} {repo['kind']:14} follows: {repo.get('follows', '-'):7}"
            f" listed violations: {listed[name]}"
        )
    compliant_pass = [
        r["name"]
        for r in manifest
        if r["kind"] == "rust-service" and r.get("follows") == "yes" and default_exit[r["name"]] == 0
    ]
    compliant = sum(1 for r in manifest if r["kind"] == "rust-service" and r.get("follows") == "yes")
    print(f"  services that follow the methodology and exit 0: {len(compliant_pass)} of {compliant}")

    if failing_bar:
        print(f"\nstable rules below the bar: {', '.join(failing_bar)}")
    return 1 if unreviewed or failing_bar else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    co = sub.add_parser("checkout", help="clone the manifest's repositories at their pinned commits")
    co.add_argument("checkouts")
    run = sub.add_parser("run", help="lint the checkouts and judge the findings")
    run.add_argument("checkouts")
    run.add_argument("--bin", default=str(ROOT / "target/release/twelve-lint"), help="the twelve-lint binary")
    run.add_argument("--repo", action="append", help="only this repository (owner/name; repeatable)")
    run.add_argument("--update", action="store_true", help="rewrite ecosystem/snapshot.tsv with the findings")
    run.add_argument("--out", help="write every finding (with severity and message) to this TSV file")
    run.add_argument("--show", type=int, default=40, help="how many rows of each list to print")
    run.add_argument("--verbose", "-v", action="store_true", help="list every violation as found or missed")
    run.add_argument(
        "--arg",
        action="append",
        default=[],
        help="pass this argument to every twelve-lint run (repeatable; --arg=--no-prefilters shows what prefilters hide)",
    )
    args = parser.parse_args()
    return cmd_checkout(args) if args.command == "checkout" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
