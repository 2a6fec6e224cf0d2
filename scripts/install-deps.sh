#!/usr/bin/env bash
# Installs the Debian packages sync-relay builds and tests with, when they are missing.
# Idempotent: on a machine that has them it only checks and returns.
set -euo pipefail

packages=(
  librdkafka-dev        # librdkafka and its mock cluster header (rdkafka_mock.h)
  libcurl4-openssl-dev  # libcurl for the Twilio HTTP client
  pkg-config            # SwiftPM finds both through pkg-config
  python3-jsonschema    # the tests validate docs/config.schema.json with a real JSON Schema validator
  python3-venv          # bench/run --short (in the test command) runs the Python baseline in a venv
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
