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
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The tests produce Schema Registry records with Confluent's official Python serializers (confluent-kafka), in a
# venv under .build (PyPI must be reachable the first time; later runs only check it).
cd "$(dirname "$0")/.."
[ -x .build/registry-venv/bin/python ] && .build/registry-venv/bin/python -c 'import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf, confluent_kafka.schema_registry.json_schema' 2>/dev/null && exit 0
BASELINE_VENV=.build/registry-venv REQUIREMENTS=Tests/Fixtures/requirements.txt bench/baseline/setup.sh >&2

