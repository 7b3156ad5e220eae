#!/usr/bin/env sh
# Install the Node.js packages the tests need, each folder's package-lock.json into that folder's
# node_modules, building each once per machine: the installed node_modules is kept in a cache
# folder outside the clone, keyed by the folder's name, its package-lock.json, the Node.js ABI
# and the machine, and copied from there next time (as pip reuses its wheel cache).
#
#   sh tests/support/npm_install.sh tests/embedded/runtimes/node_ric tests/templates/esbuild
#
# tests/embedded/runtimes/node_ric: AWS's Node.js runtime interface client (aws-lambda-ric, a
# native build of about two minutes); tests/templates/esbuild: esbuild, which SAM's esbuild
# build method needs on the machine (as `sam build` does).
# Cache: $PYTEST_APIGW_CACHE, else $XDG_CACHE_HOME/pytest-apigw, else ~/.cache/pytest-apigw.
# Without node/npm it says so and exits 0 (the tests that need them then skip, saying why).
set -eu
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "npm_install: node/npm not found; the tests needing $* will skip" >&2
    exit 0
fi
abi=$(node -p 'process.versions.modules + "-" + process.platform + "-" + process.arch')
cache_root=${PYTEST_APIGW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pytest-apigw}
for folder in "$@"; do
    here=$(cd "$folder" && pwd)
    name=$(basename "$here")
    # Content only (sha256sum of named files prints their paths, which differ per clone).
    lock_hash=$(cat "$here/package-lock.json" "$here/package.json" | sha256sum | cut -c1-16)
    key="$lock_hash-node$abi"
    cached="$cache_root/$name/$key"
    stamp="$here/node_modules/.pytest-apigw-$name"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
        continue  # this clone already has the install for this lock file
    fi
    if [ ! -f "$cached/.complete" ]; then
        echo "npm_install: installing $name once into $cached" >&2
        mkdir -p "$cache_root/$name"
        build=$(mktemp -d "$cache_root/$name/.build.XXXXXX")
        cp "$here/package.json" "$here/package-lock.json" "$build/"
        npm ci --prefix "$build" --no-audit --no-fund || { rm -rf "$build"; exit 1; }
        touch "$build/node_modules/.complete"
        # Another run may have finished the same install meanwhile: keep the first one.
        mv -T "$build/node_modules" "$cached" 2>/dev/null || [ -f "$cached/.complete" ]
        rm -rf "$build"
    fi
    rm -rf "$here/node_modules"
    cp -a "$cached" "$here/node_modules"
    rm -f "$here/node_modules/.complete"
    echo "$key" > "$stamp"
done
