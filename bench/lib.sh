# shellcheck shell=bash disable=SC2154
# Shared by bench/run.sh and bench/real.sh (sourced; expects $work and $runs).

need() { command -v "$1" >/dev/null; }
if ! need hyperfine || ! need rg || [ ! -x /usr/bin/time ]; then
  echo "== installing hyperfine, ripgrep, time (Debian)"
  apt-get install -y hyperfine ripgrep time >/dev/null
fi

# mean wall seconds of a command (hyperfine, warm cache); $2 = runs (default $runs)
mean() {
  local n=${2:-$runs}
  hyperfine -i -N --warmup 1 --runs "$n" --export-json "$work/h.json" "$1" >/dev/null 2>&1 \
    || hyperfine -i --warmup 1 --runs "$n" --export-json "$work/h.json" "$1" >/dev/null
  python3 -c 'import json;print("%.3f" % json.load(open("'"$work"'/h.json"))["results"][0]["mean"])'
}

# peak RSS (MB) and CPU/wall of one run
usage() {
  /usr/bin/time -f "%M %P" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f %.2f", $1/1024, $2/100}'
}
