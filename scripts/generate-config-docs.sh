#!/usr/bin/env bash
# Regenerates docs/config.schema.json and the key reference in docs/configuration.md from the relay's catalogue
# of configuration keys (RelayConfigurationSchema). Tests fail until this has been run after a key changes.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product sync-relay >/dev/null
bin="$(swift build --show-bin-path)/sync-relay"
"$bin" check --print-schema > docs/config.schema.json
python3 - "$bin" <<'PY'
import subprocess, sys
begin = "<!-- BEGIN GENERATED REFERENCE: swift run sync-relay check --print-reference -->"
end = "<!-- END GENERATED REFERENCE -->"
reference = subprocess.run([sys.argv[1], "check", "--print-reference"], check=True, capture_output=True, text=True).stdout
text = open("docs/configuration.md").read()
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open("docs/configuration.md", "w").write(head + begin + "\n" + reference + end + tail)
PY
echo "regenerated docs/config.schema.json and docs/configuration.md"
