#!/usr/bin/env bash
# The lint gate (issue 21): swift-format's lint in strict mode over the project's Swift, with the checked-in
# .swift-format. Any finding fails the test command. `swift format format -i -r Sources Tests Benchmarks Package.swift`
# fixes nearly all of them; what it cannot fix (an end-of-line comment past the limit, a long literal) is fixed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! swift format lint --strict --recursive Sources Tests Benchmarks Package.swift; then
    echo "lint: swift-format findings above; run: swift format format -i -r Sources Tests Benchmarks Package.swift" >&2
    exit 1
fi
