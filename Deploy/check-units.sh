#!/usr/bin/env bash
# Checks the systemd units: `systemd-analyze verify` must print nothing, and the offline security
# exposure must be at most 1.5. The units name /usr/local/bin/sidingd; here it is pointed at the
# freshly built binary so verify can check the command exists.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { apt-get update -q && apt-get install -y -q systemd; }
binary="$PWD/.build/debug/sidingd"
[ -x "$binary" ] || swift build --product sidingd
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for unit in Deploy/systemd/sidingd.service Deploy/systemd/sidingd@.service; do
    name=$(basename "$unit")
    sed "s|/usr/local/bin/sidingd|$binary|" "$unit" > "$scratch/$name"
    problems=$(cd "$scratch" && systemd-analyze verify "./$name" 2>&1 || true)
    if [ -n "$problems" ]; then echo "systemd-analyze verify $name:"; echo "$problems"; exit 1; fi
    # --threshold is in tenths: 15 means an exposure of at most 1.5.
    score=$(cd "$scratch" && systemd-analyze security --offline=true --threshold=15 "./$name" 2>&1 | tail -1)
    echo "$name: ${score#*: }"
    (cd "$scratch" && systemd-analyze security --offline=true --threshold=15 "./$name" >/dev/null 2>&1) || { echo "$name exposure above 1.5"; exit 1; }
done
