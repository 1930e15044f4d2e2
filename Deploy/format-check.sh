#!/usr/bin/env bash
# Fails if any Swift file is not formatted as .swift-format says (fix with: swift format -i -r Sources Tests).
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict -r Sources Tests Package.swift
