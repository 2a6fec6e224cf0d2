#!/usr/bin/env bash
# Installs what sync-relay builds and tests with, when it is missing. Idempotent: on a machine that has it all it only
# checks and returns.
#   - Debian's packages (below);
#   - librdkafka, pinned and built from Debian's source package, linked statically (scripts/build-librdkafka.sh);
#   - the tests' Python venv with Confluent's Schema Registry serializers and Twilio's SDK (.build/registry-venv);
#   - Tansu, the independent Kafka broker of the test suite (scripts/install-tansu.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libcurl4-openssl-dev  # libcurl for the Twilio HTTP client (and librdkafka's OIDC token fetches)
  libssl-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev  # what the static librdkafka links against
  pkg-config            # SwiftPM finds librdkafka and libcurl through pkg-config
  python3-jsonschema    # the tests validate docs/config.schema.json with a real JSON Schema validator
  python3-venv          # bench/run --short (in the test command) runs the Python baseline in a venv
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

scripts/build-librdkafka.sh

# The tests produce Schema Registry records with Confluent's official Python serializers (confluent-kafka) and read
# the Sync emulator back with Twilio's Python SDK (twilio), in a venv under .build (PyPI must be reachable the first
# time; later runs only check it: a venv missing either, or an older twilio, is refreshed).
if ! { [ -x .build/registry-venv/bin/python ] && .build/registry-venv/bin/python -c 'import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf, confluent_kafka.schema_registry.json_schema, twilio.rest; assert twilio.__version__ == "9.13.0"' 2>/dev/null; }; then
  BASELINE_VENV=.build/registry-venv REQUIREMENTS=Tests/Fixtures/requirements.txt bench/baseline/setup.sh >&2
fi

scripts/install-tansu.sh
