#!/usr/bin/env bash
# The demo: builds Siding and runs a throw-away local node filled with sample data (nothing is left running).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/build-deps.sh
swift build --product sidingd >&2
swift build --product siding >&2
exec .build/debug/siding demo
