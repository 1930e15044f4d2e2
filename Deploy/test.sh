#!/usr/bin/env bash
# The tests: builds everything (the end-to-end tests run the built siding and sidingd) and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
# How long each step took goes to stderr: the CI's budget is an hour on two cores, and this shows where it goes.
timed() {
    local step=$1 start=$SECONDS
    shift
    "$@"
    echo "test.sh: $step took $((SECONDS - start)) s" >&2
}
bash Deploy/build-deps.sh
# The TLS tests use openssl s_client as an independent client.
command -v openssl >/dev/null || { apt-get update -q && apt-get install -y -q openssl; }
bash Deploy/format-check.sh
timed "build with tests" swift build --build-tests
bash Deploy/check-units.sh
# The previous release's daemon and CLI, for PreviousReleaseTests (built once; minutes on a fresh machine).
start=$SECONDS
SIDING_PREVIOUS_RELEASE=$(bash Deploy/previous-release.sh)
echo "test.sh: previous release build took $((SECONDS - start)) s" >&2
export SIDING_PREVIOUS_RELEASE
# One test at a time: the tests drive real daemons and sessions with deadlines of a few seconds, and
# on two cores the whole suite side by side starved them into timeouts that said nothing of the code.
timed "tests" swift test --no-parallel
# Every fuzz target briefly (the corpus, crashes included once fixed, is replayed by swift test too).
timed "fuzz build and runs" bash Deploy/fuzz.sh 15
