#!/usr/bin/env bash
# Creates the Python venv for the baseline relay and installs requirements.txt into it.
#   bench/baseline/setup.sh                          # venv at <repo>/.build/baseline-venv
#   BASELINE_VENV=/tmp/venv bench/baseline/setup.sh   # elsewhere (relative paths are taken from the repo root)
#   REQUIREMENTS=Tests/Fixtures/requirements.txt ...  # another requirements file (the tests' Schema Registry
#                                                     # serializers: scripts/install-deps.sh does this)
# Uses Debian's /usr/bin/python3 when present (PYTHON=... to choose another interpreter).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${BASELINE_VENV:-.build/baseline-venv}"
case "$venv" in /*) ;; *) venv="$root/$venv" ;; esac

if [[ -n "${PYTHON:-}" ]]; then py="$PYTHON"
elif [[ -x /usr/bin/python3 ]]; then py=/usr/bin/python3
else py="$(command -v python3 || true)"; fi
if [[ -z "$py" ]]; then
    echo "setup.sh: no python3 found; on Debian: apt-get install python3 python3-venv" >&2
    exit 1
fi

install_venv_package() {
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
            echo "setup.sh: not root and no passwordless sudo: cannot install python3-venv myself." >&2
            return 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup.sh: no apt-get here: install your distribution's venv/ensurepip package for $py." >&2
        return 1
    fi
    echo "setup.sh: installing python3-venv with apt-get${sudo[*]:+ (through sudo)}..." >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
}

make_venv() { "$py" -m venv --clear "$venv"; }

if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    mkdir -p "$(dirname "$venv")"
    if ! make_venv; then
        echo "setup.sh: '$py -m venv $venv' failed. On Debian/Ubuntu venv needs the python3-venv package" \
             "(ensurepip is packaged apart from python3)." >&2
        if ! install_venv_package; then
            echo "setup.sh: run 'sudo apt-get install python3-venv', then rerun this script." >&2
            exit 1
        fi
        if ! make_venv; then
            echo "setup.sh: python3-venv is installed but '$py -m venv' still fails (is $py Debian's python3?" \
                 "set PYTHON=/usr/bin/python3)." >&2
            exit 1
        fi
        echo "setup.sh: python3-venv installed, venv created." >&2
    fi
fi

requirements="${REQUIREMENTS:-$here/requirements.txt}"
case "$requirements" in /*) ;; *) requirements="$root/$requirements" ;; esac
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
[[ -z "${REQUIREMENTS:-}" ]] || { echo "venv ready: $venv ($requirements)"; exit 0; }
"$venv/bin/python" -c 'import confluent_kafka, requests, sys; print("baseline venv ready:", sys.prefix, "python", sys.version.split()[0], "confluent-kafka", confluent_kafka.__version__, "librdkafka", confluent_kafka.libversion()[0], "requests", requests.__version__)'
