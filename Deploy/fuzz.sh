#!/usr/bin/env bash
# Builds siding-fuzz with libFuzzer and AddressSanitizer, runs each fuzz target for a while on a copy
# of its committed corpus (Tests/FuzzCorpus/<target>/), and prints a table of what ran.
#
#   bash Deploy/fuzz.sh [--update-corpus] [--release] [SECONDS_PER_TARGET] [TARGET...]    (defaults: 30 s, every target)
#
# A debug build by default: it keeps `assert`s, which fuzzing wants, and builds in about 4 min on two
# cores where release takes about 10, which CI pays on every run; --release
# runs 1.3 to 8 times as many inputs a second, for long runs. The committed corpus is left alone
# unless --update-corpus is given: then the inputs that add coverage are merged into it (libFuzzer
# -merge=1). Exits non-zero if a target crashed, hung or ran out of memory, naming the input and the
# command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

update_corpus=false
configuration=debug
args=()
for arg in "$@"; do
    case "$arg" in
        --update-corpus) update_corpus=true ;;
        --release) configuration=release ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$arg") ;;
    esac
done
seconds=30
if [ ${#args[@]} -gt 0 ] && [[ "${args[0]}" =~ ^[0-9]+$ ]]; then
    seconds=${args[0]}
    args=("${args[@]:1}")
fi
targets=()
if [ ${#args[@]} -gt 0 ]; then
    targets=("${args[@]}")
else
    for folder in Tests/FuzzCorpus/*/; do targets+=("$(basename "$folder")"); done
fi
for target in "${targets[@]}"; do
    if [ ! -d "Tests/FuzzCorpus/$target" ]; then
        echo "fuzz.sh: '$target' is not a fuzz target; the targets are the folders of Tests/FuzzCorpus" >&2
        exit 2
    fi
done

echo "Building siding-fuzz ($configuration, libFuzzer + AddressSanitizer) in .build-fuzz ..." >&2
# SwiftPM passes the sanitizers to swiftc as separate -sanitize= flags, of which swiftc keeps only the
# last: Swift code would get either coverage or AddressSanitizer, not both. The combined flag, passed
# after them, gives both (C code gets both from --sanitize). SwiftPM also orders the flags by hash,
# which differs per process unless hashing is deterministic, and every order change rebuilds everything.
SWIFT_DETERMINISTIC_HASHING=1 swift build -c "$configuration" --scratch-path .build-fuzz --product siding-fuzz \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address
fuzzer=.build-fuzz/$configuration/siding-fuzz

work=$(mktemp -d "${TMPDIR:-/tmp}/siding-fuzz.XXXXXX")
artifacts="$work/artifacts"
mkdir -p "$artifacts"
echo "Logs and crash artefacts go to $work" >&2

# Adds to Tests/FuzzCorpus/TARGET the inputs of a minimal set covering every edge (hit counts
# ignored, to keep it small) of the committed and new inputs that are not committed yet. Committed
# inputs, regressions included, are never removed. libFuzzer names merged files by their SHA-1.
update_corpus_of() {
    local target=$1 corpus=$2 log=$3
    local merged="$work/merged/$target" added=0 file
    mkdir -p "$merged"
    SIDING_FUZZ_TARGET="$target" "$fuzzer" -merge=1 -use_counters=0 "$merged" Tests/FuzzCorpus/"$target" "$corpus" >>"$log" 2>&1
    local committed
    committed=$(sha1sum Tests/FuzzCorpus/"$target"/* | cut -d ' ' -f 1)
    for file in "$merged"/*; do
        [ -e "$file" ] || continue
        if ! grep -qx "$(basename "$file")" <<<"$committed"; then
            cp "$file" Tests/FuzzCorpus/"$target"/
            added=$((added + 1))
        fi
    done
    echo "Added $added inputs to Tests/FuzzCorpus/$target" >&2
}

# Swift's crash handler would hide the crash from libFuzzer (and so the crash file).
export SWIFT_BACKTRACE=enable=no
# What a `static let` holds is allocated once and kept; Deploy/fuzz-lsan.supp says why LeakSanitizer
# can miss the pointer to it.
export LSAN_OPTIONS="suppressions=$PWD/Deploy/fuzz-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
rows=()
failures=()
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    mkdir -p "$corpus"
    cp Tests/FuzzCorpus/"$target"/* "$corpus"/
    log="$work/$target.log"
    echo "Fuzzing $target for $seconds s (log: $log) ..." >&2
    status=0
    started=$SECONDS
    SIDING_FUZZ_TARGET="$target" "$fuzzer" "$corpus" -max_total_time="$seconds" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/$target-" >"$log" 2>&1 || status=$?
    elapsed=$((SECONDS - started))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    # crash-, leak-, timeout- and oom- files are failures; slow-unit- files are only reports.
    found=$(find "$artifacts" -name "$target-*" ! -name "$target-slow-unit-*" | sort)
    crashes=$(printf '%s' "$found" | grep -c . || true)
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        failures+=("$target: the fuzzer exited with status $status without a crash file; see $log")
        crashes="?"
    fi
    for file in $found; do
        failures+=("$target: $file"$'\n'"    replay: SIDING_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=$LSAN_OPTIONS $fuzzer $file"$'\n'"    log: $log")
    done
    rows+=("$(printf '%-10s %8s %14s %10s %8s' "$target" "$elapsed" "${executions:-?}" "${per_second:-?}" "$crashes")")
    if [ "$update_corpus" = true ] && [ "$status" -eq 0 ]; then
        update_corpus_of "$target" "$corpus" "$log"
    fi
done
rm -rf "$work/corpus" "$work/merged"

echo
printf '%-10s %8s %14s %10s %8s\n' target seconds executions exec/s crashes
printf '%s\n' "${rows[@]}"
if [ ${#failures[@]} -gt 0 ]; then
    echo
    echo "FAILED: a fuzz target crashed, hung or ran out of memory:"
    printf '  %s\n' "${failures[@]}"
    echo "Fix the cause, then commit the input as Tests/FuzzCorpus/<target>/regression-<what> so the tests keep replaying it."
    exit 1
fi
