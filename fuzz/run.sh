#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 600), seeded from fixtures/ and from
# the hostile shapes in fuzz/seeds/ (alias bombs in keys, long lines, chains).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain is enough
# with RUSTC_BOOTSTRAP=1 and no sanitizer. Crashes land in fuzz/artifacts/.
# usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dockerfile yaml cargo_toml rust envfile suppression config)
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none >/dev/null
seed() { # target, find args...
  local t=$1; shift
  mkdir -p "corpus/$t"
  find ../fixtures "$@" -type f -size -64k -exec cp -n {} "corpus/$t/" \; 2>/dev/null || true
  if [ -d "seeds/$t" ]; then cp -n "seeds/$t"/* "corpus/$t/"; fi
}
seed dockerfile -name 'Dockerfile*'
seed yaml \( -name '*.yml' -o -name '*.yaml' \)
seed cargo_toml -name Cargo.toml
seed rust -name '*.rs'
seed envfile \( -name '.env*' -o -name '*.sh' \)
seed suppression -name expected.txt
seed config -name twelve-lint.toml
for t in "${targets[@]}"; do
  echo "== $t for ${secs}s"
  cargo fuzz run -s none "$t" "corpus/$t" -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 2>&1 \
    | grep -a -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|Done)' || true
done
