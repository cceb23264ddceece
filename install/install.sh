#!/bin/sh
# Install a twelve-lint release binary on Linux or macOS:
#
#   curl -LsSf https://github.com/twelve-lint/twelve-lint/releases/latest/download/install.sh | sh
#   sh install.sh --version v0.1.0 --to ~/.local/bin
#
# Downloads the archive for this machine (Linux: the static musl build), checks it
# against the release's `.sha256` file, and puts `twelve-lint` in the target directory
# (default ~/.local/bin). TWELVE_LINT_RELEASES names another release location laid out
# like GitHub's (a mirror, or a test server). The GitHub Action installs through this
# script. Windows: install.ps1.
set -eu

releases=${TWELVE_LINT_RELEASES:-https://github.com/twelve-lint/twelve-lint/releases}
version=latest
to=${TWELVE_LINT_INSTALL_DIR:-$HOME/.local/bin}

die() {
  echo "twelve-lint install: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --version) [ $# -ge 2 ] || die "--version needs a tag (v0.1.0) or latest"; version=$2; shift 2 ;;
    --to) [ $# -ge 2 ] || die "--to needs a directory"; to=$2; shift 2 ;;
    -h | --help) echo "usage: install.sh [--version vX.Y.Z|latest] [--to DIR]"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

case $(uname -m) in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "no release binary for $(uname -m); build from source: cargo install --locked twelve-lint" ;;
esac
case $(uname -s) in
  Linux) target=$arch-unknown-linux-musl ;;
  Darwin) target=$arch-apple-darwin ;;
  *) die "no release binary for $(uname -s) here; on Windows use install.ps1" ;;
esac

asset=twelve-lint-$target.tar.gz
case $version in
  latest) url=$releases/latest/download/$asset ;;
  v*) url=$releases/download/$version/$asset ;;
  *) url=$releases/download/v$version/$asset ;;
esac

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl --proto-redir '=https' --fail --location --silent --show-error --retry 3 --output "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --output-document "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum is installed"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch "$url" "$tmp/$asset" || die "cannot download $url"
fetch "$url.sha256" "$tmp/$asset.sha256" || die "cannot download $url.sha256"
expected=$(cut -d ' ' -f 1 < "$tmp/$asset.sha256")
actual=$(sha256 "$tmp/$asset")
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  die "checksum mismatch for $asset: expected ${expected:-nothing}, got $actual"
fi
tar -xzf "$tmp/$asset" -C "$tmp" twelve-lint || die "$asset holds no twelve-lint binary"
mkdir -p "$to"
mv "$tmp/twelve-lint" "$to/twelve-lint"
chmod 755 "$to/twelve-lint"
echo "twelve-lint: installed $("$to/twelve-lint" --version | cut -d ' ' -f 2) in $to (sha256 $actual)"
case :$PATH: in
  *":$to:"*) ;;
  *) echo "twelve-lint: add $to to PATH" >&2 ;;
esac
