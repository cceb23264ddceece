#!/usr/bin/env bash
# Benchmark twelve-lint on real code: a 10k-file tree of real Rust files (from the
# local cargo registry and the ecosystem checkouts), the cargo registry itself and
# each ecosystem checkout, against the ripgrep floor. Every rule runs (--preview).
#
# usage: bench/real.sh
# env:   BENCH_DIR (default /tmp/twelve-lint-bench-real)  work directory (the real-10k tree is cached there)
#        ECO       (default ../eco)  checkouts of ecosystem/repos.toml as <owner>+<name> (ecosystem/check.py checkout)
#        BIN       (default target/release/twelve-lint)  binary to run; this script does not build it
#        RUNS      (default 3)
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
repo=$PWD
abs() { case $1 in /*) echo "$1" ;; *) echo "$2/$1" ;; esac; }
# values given in the environment are relative to the caller, defaults to the repository
work=$(abs "${BENCH_DIR:-/tmp/twelve-lint-bench-real}" "$caller")
if [ -n "${ECO:-}" ]; then eco=$(abs "$ECO" "$caller"); else eco=$repo/../eco; fi
if [ -n "${BIN:-}" ]; then bin=$(abs "$BIN" "$caller"); else bin=$repo/target/release/twelve-lint; fi
runs=${RUNS:-3}
real_files=10000
registry=$HOME/.cargo/registry/src

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release, or set BIN)" >&2; exit 2; }
mkdir -p "$work"

# ecosystem checkouts present, in repos.toml order
repos=()
while read -r name; do
  [ -d "$eco/${name/\//+}" ] && repos+=("$eco/${name/\//+}")
done < <(sed -n 's/^name = "\(.*\)"/\1/p' ecosystem/repos.toml)
[ ${#repos[@]} -gt 0 ] || echo "(no ecosystem checkouts under $eco: ecosystem/check.py checkout $eco)"

# build_tree DIR N: N real .rs files (C-sorted <crate-or-repo>/<path>, first N) copied from the
# registry crates and the ecosystem checkouts, keeping each crate/repo's layout, plus every
# Cargo.toml between a chosen file and its crate/repo root. Cached: built once.
build_tree() {
  [ -f "$1/.complete" ] && return
  echo "== building $1 ($2 files; cached afterwards)"
  rm -rf "$1" "$1.tmp"
  python3 - "$1.tmp" "$2" "$registry" "${repos[@]}" <<'PY'
import os, shutil, subprocess, sys
dest, n, registry, repos = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
units = {}  # unit name -> (root, rg flags)
for index in sorted(os.listdir(registry)) if os.path.isdir(registry) else []:
    for crate in sorted(os.listdir(os.path.join(registry, index))):
        units.setdefault(crate, (os.path.join(registry, index, crate), ["--no-ignore"]))
for r in repos:  # ecosystem checkouts are git work trees: respect their .gitignore
    units.setdefault(os.path.basename(r), (r, []))
files = []
for unit, (root, flags) in units.items():
    out = subprocess.run(["rg", "--files", "-g", "*.rs", *flags], cwd=root, capture_output=True, text=True).stdout
    files += [(unit, rel) for rel in out.splitlines()]
files.sort(key=lambda f: f"{f[0]}/{f[1]}")
chosen = files[:n]
copied = set()
def copy(unit, rel):
    if (unit, rel) in copied:
        return
    copied.add((unit, rel))
    target = os.path.join(dest, unit, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(os.path.join(units[unit][0], rel), target)
for unit, rel in chosen:
    copy(unit, rel)
    d = os.path.dirname(rel)
    while True:
        toml = os.path.join(d, "Cargo.toml")
        if os.path.isfile(os.path.join(units[unit][0], toml)):
            copy(unit, toml)
        if not d:
            break
        d = os.path.dirname(d)
reg = sum(1 for u, _ in chosen if not units[u][0].startswith(tuple(repos)))
print(f"{len(chosen)} of {len(files)} .rs files ({reg} from the registry, {len(chosen) - reg} from "
      f"{len(repos)} ecosystem checkouts), {len(copied) - len(chosen)} Cargo.toml, "
      f"{len({u for u, _ in chosen})} crates/repos")
PY
  touch "$1.tmp/.complete"
  mv "$1.tmp" "$1"
}

walls=() # per-checkout wall times, for the sum line
row() { # label, "rg walk flags" (also given to the linter), lint args..., --, paths...
  local label=$1 walk=$2; shift 2
  local args=() dirs=()
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  shift
  dirs=("$@")
  local lint="$bin --quiet --format concise --exit-zero $walk ${args[*]} ${dirs[*]}"
  local files candidates bytes t floor rss cpu
  # shellcheck disable=SC2086 # $walk is a word list (or empty)
  files=$("$bin" --format concise --exit-zero $walk "${args[@]}" "${dirs[@]}" 2>&1 >/dev/null \
    | sed -n 's/.* in \([0-9]*\) file(s) linted.*/\1/p')
  # shellcheck disable=SC2086
  read -r candidates bytes <<<"$(rg --files --hidden $walk "${dirs[@]}" 2>/dev/null \
    | grep -E '(\.rs|Cargo\.toml|Dockerfile[^/]*|\.ya?ml|\.env[^/]*|\.sh)$' | tr '\n' '\0' \
    | python3 -c 'import os,sys;p=[f for f in sys.stdin.buffer.read().split(b"\0") if f];print(len(p),sum(os.path.getsize(f) for f in p))')"
  t=$(mean "$lint")
  floor=$(mean "bash -c 'rg --files --hidden $walk ${dirs[*]} >/dev/null; rg -c --hidden $walk \"\" ${dirs[*]} >/dev/null'")
  # shellcheck disable=SC2086
  read -r rss cpu <<<"$(usage $lint)"
  walls+=("$t")
  python3 - "$label" "$files" "$candidates" "$bytes" "$t" "$floor" "$rss" "$cpu" <<'PY'
import sys
label, files, cand, size, t, floor, rss, cpu = sys.argv[1:]
files, cand, size, t, floor = int(files or 0), int(cand), int(size), float(t), float(floor)
mark = " "
if files == 0:  # path-only rules read no file: count the files walked instead
    files, mark = cand, "*"
print(f"{label:<38} {files:>6}{mark}files {size/1e6:6.1f} MB  wall {t:6.3f} s  "
      f"{files/t:7.0f} files/s {size/1e6/t:6.1f} MB/s  rg floor {floor:6.3f} s  "
      f"x{t/floor:5.2f}  CPU/wall {cpu}  peak RSS {rss} MB")
PY
}

tree=$work/real-10k
build_tree "$tree" "$real_files"

echo "== twelve-lint $("$bin" --version | awk '{print $2}') on $(nproc) cores, $runs runs each, warm cache, every rule (--preview)"
row real-10k "" --preview -- "$tree"
# A factor whose rules read no Rust (TF05: Dockerfiles, compose, Kubernetes) lexes no Rust file.
row "real-10k --select TF05" "" --select TF05 -- "$tree"
[ -d "$registry" ] && row registry --no-ignore --preview -- "$registry"
if [ ${#repos[@]} -gt 0 ]; then
  echo "== ecosystem checkouts ($eco)"
  walls=()
  for r in "${repos[@]}"; do row "$(basename "$r")" "" --preview -- "$r"; done
  sum=$(printf '%s\n' "${walls[@]}" | awk '{s+=$1} END {printf "%.3f", s}')
  row "ecosystem total (one run)" "" --preview -- "${repos[@]}"
  echo "(sum of the ${#repos[@]} per-checkout walls: $sum s)"
fi
echo "(* a selection that lints no file: files = files walked; files = files linted otherwise." \
  "MB = .rs, Cargo.toml, Dockerfile, YAML, .env and .sh files under the tree; rg floor = rg --files + rg -c \"\")"
