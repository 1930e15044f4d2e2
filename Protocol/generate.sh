#!/usr/bin/env bash
# Regenerates Sources/SidingWire/Generated/*.pb.swift from Protocol/proto/*.proto.
# Needs protoc (Debian: protobuf-compiler); builds protoc-gen-swift from the swift-protobuf checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "install protoc first: apt-get install protobuf-compiler" >&2; exit 1; }
swift package resolve
(cd .build/checkouts/swift-protobuf && swift build --product protoc-gen-swift --scratch-path "$PWD/../../../.build-protoc")
mkdir -p Sources/SidingWire/Generated
protoc --plugin=protoc-gen-swift=.build-protoc/debug/protoc-gen-swift \
    --swift_out=Sources/SidingWire/Generated --swift_opt=Visibility=Public \
    -I Protocol/proto Protocol/proto/*.proto
