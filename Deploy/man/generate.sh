#!/usr/bin/env bash
# Regenerates siding.1 and sidingd.8: the command reference is made from the commands themselves
# (swift-argument-parser's generate-manual reads each binary's own help), so it cannot drift from
# them; the sections after it (files, environment, exit statuses...) come from *.tail here.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --product siding
swift build --product sidingd
# Builds the generator; it is run directly below so that each page gets its own section.
swift package --allow-writing-to-package-directory generate-manual --help >/dev/null
bin=$(swift build --show-bin-path)
date=$(git log -1 --format=%cs -- Deploy/man Sources/SidingCLI Sources/SidingDaemon/Commands 2>/dev/null || date +%F)
page() {
    # The generated page ends with a generic EXIT STATUS; the real statuses are in the tail.
    "$bin/generate-manual-tool" "$bin/$1" --section "$2" --date "$date" --output-directory - | sed '/^\.Sh "EXIT STATUS"$/,$d'
    cat "Deploy/man/$1.$2.tail"
}
page siding 1 >Deploy/man/siding.1
page sidingd 8 >Deploy/man/sidingd.8
echo "wrote Deploy/man/siding.1 and Deploy/man/sidingd.8"
