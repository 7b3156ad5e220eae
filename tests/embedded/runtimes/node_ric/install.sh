#!/usr/bin/env sh
# Install AWS's Node.js runtime interface client (aws-lambda-ric, a native build of about two
# minutes) into this folder's node_modules, building it once per machine: the built
# node_modules is kept in a cache folder outside the clone, keyed by package-lock.json, the
# Node.js ABI and the machine, and copied from there next time (as pip reuses its wheel cache).
#
#   sh tests/embedded/runtimes/node_ric/install.sh
#
# Cache: $PYTEST_APIGW_CACHE, else $XDG_CACHE_HOME/pytest-apigw, else ~/.cache/pytest-apigw.
# Without node/npm it says so and exits 0 (the test that needs it then skips, saying why).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "node_ric: node/npm not found; the aws-lambda-ric test will skip" >&2
    exit 0
fi
# Content only (sha256sum of named files prints their paths, which differ per clone).
lock_hash=$(cat "$here/package-lock.json" "$here/package.json" | sha256sum | cut -c1-16)
abi=$(node -p 'process.versions.modules + "-" + process.platform + "-" + process.arch')
key="$lock_hash-node$abi"
cache_root=${PYTEST_APIGW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pytest-apigw}
cached="$cache_root/node_ric/$key"
stamp="$here/node_modules/.pytest-apigw-node-ric"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    exit 0  # this clone already has the build for this lock file
fi
if [ ! -f "$cached/.complete" ]; then
    echo "node_ric: building aws-lambda-ric once into $cached (native build, ~2 minutes)" >&2
    mkdir -p "$cache_root/node_ric"
    build=$(mktemp -d "$cache_root/node_ric/.build.XXXXXX")
    trap 'rm -rf "$build"' EXIT
    cp "$here/package.json" "$here/package-lock.json" "$build/"
    npm ci --prefix "$build" --no-audit --no-fund
    touch "$build/node_modules/.complete"
    # Another run may have finished the same build meanwhile: keep the first one.
    mv -T "$build/node_modules" "$cached" 2>/dev/null || [ -f "$cached/.complete" ]
fi
rm -rf "$here/node_modules"
cp -a "$cached" "$here/node_modules"
rm -f "$here/node_modules/.complete"
echo "$key" > "$stamp"
