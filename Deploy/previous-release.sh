#!/usr/bin/env bash
# Builds `sidingd` and `siding` of the previous release (the commit in Deploy/previous-release.commit,
# the last one before circles) into .build-previous/, for the test that a node of the previous release
# keeps syncing the network with this one. Prints the directory holding the two binaries. Needs the
# git history (a fresh clone has it); builds only when the binaries are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(tr -d '[:space:]' < Deploy/previous-release.commit)
root=.build-previous/$commit
bin=$root/build/debug
if [ ! -x "$bin/sidingd" ] || [ ! -x "$bin/siding" ]; then
    rm -rf "$root/src"
    mkdir -p "$root/src"
    git archive "$commit" | tar -x -C "$root/src"
    for product in sidingd siding; do
        swift build --package-path "$root/src" --scratch-path "$PWD/$root/build" --product "$product" >&2
    done
fi
echo "$PWD/$bin"
