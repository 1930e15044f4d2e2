#!/usr/bin/env bash
# Fails if any Swift file is not formatted as .swift-format says (fix with: swift format -i -r Sources Tests).
set -euo pipefail
cd "$(dirname "$0")/.."
find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 | xargs -0 swift format lint --strict Package.swift
