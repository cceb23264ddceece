#!/bin/sh
# Package a built binary as a release asset, as the release workflow uploads it and
# install.sh, install.ps1, the GitHub Action and cargo binstall fetch it:
#
#   install/package.sh TARGET BINARY OUTDIR
#
# writes OUTDIR/twelve-lint-TARGET.tar.gz (.zip for Windows targets), holding the binary
# with the README, changelog and licences at the top level, and its `.sha256` file
# (`<hex>  <asset>`, as sha256sum prints it).
set -eu
[ $# -eq 3 ] || { echo "usage: install/package.sh TARGET BINARY OUTDIR" >&2; exit 2; }
target=$1
binary=$2
out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"
out=$(cd "$out" && pwd)

case $target in
  *windows*) exe=twelve-lint.exe; asset=twelve-lint-$target.zip ;;
  *) exe=twelve-lint; asset=twelve-lint-$target.tar.gz ;;
esac
cp "$binary" "$stage/$exe"
chmod 755 "$stage/$exe"
cp "$root/README.md" "$root/CHANGELOG.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/"
set -- "$exe" README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE
rm -f "$out/$asset"
case $asset in
  *.zip) (cd "$stage" && 7z a -tzip -bd "$out/$asset" "$@" >/dev/null) ;;
  *) tar -czf "$out/$asset" -C "$stage" "$@" ;;
esac
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$asset" > "$asset.sha256")
else
  (cd "$out" && shasum -a 256 "$asset" > "$asset.sha256")
fi
echo "$out/$asset"
