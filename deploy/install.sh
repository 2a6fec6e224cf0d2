#!/usr/bin/env bash
# Installs sync-relay as a systemd service: the binary, the unit, an example configuration (never overwriting one
# that exists), the credentials folder and the operations guide. Running it again changes only what differs.
# docs/operations.md describes the layout and what to do next.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/install.sh [options]

  --binary PATH      install this sync-relay binary instead of building one (swift build -c release)
  --prefix DIR       where the binary and documentation go: DIR/bin, DIR/share/doc/sync-relay (default /usr/local)
  --sysconfdir DIR   where the configuration goes: DIR/sync-relay/config.json (default /etc)
  --unitdir DIR      where the systemd unit goes (default /etc/systemd/system)
  --root DIR         stage every file under DIR (like DESTDIR; the unit still names the final paths); no systemctl
  --dry-run          print what would be done and change nothing
  --uninstall        stop and disable the service, remove the binary, unit and documentation; keep the
                     configuration and credentials (remove DIR/sync-relay yourself when you mean to)
  -h, --help         this text
EOF
}

repo="$(cd "$(dirname "$0")/.." && pwd)"
prefix=/usr/local
sysconfdir=/etc
unitdir=/etc/systemd/system
root=""
binary=""
dry_run=false
uninstall=false

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --sysconfdir) sysconfdir="${2:?--sysconfdir needs a directory}"; shift 2 ;;
    --unitdir) unitdir="${2:?--unitdir needs a directory}"; shift 2 ;;
    --root) root="${2:?--root needs a directory}"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    --uninstall) uninstall=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

for dir in "$prefix" "$sysconfdir" "$unitdir"; do
  case "$dir" in /*) ;; *) echo "install.sh: $dir must be an absolute path" >&2; exit 2 ;; esac
done
root="${root%/}"

bin_path="$prefix/bin/sync-relay"
doc_dir="$prefix/share/doc/sync-relay"
config_dir="$sysconfdir/sync-relay"
config_path="$config_dir/config.json"
credentials_dir="$config_dir/credentials"
unit_path="$unitdir/sync-relay.service"

# Runs a command, or in a dry run prints it.
run() {
  if $dry_run; then
    echo "would run: $*"
  else
    echo "run: $*"
    "$@"
  fi
}

# Whether systemctl should be told: a real install into / on a machine booted with systemd.
systemd_running() {
  [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

# Installs $1 as $2 with mode $3 unless $2 already has that content and mode.
install_file() {
  local source="$1" target="$root$2" mode="$3"
  if [ -f "$target" ] && cmp -s "$source" "$target" && [ "$(stat -c %a "$target")" = "${mode#0}" ]; then
    echo "unchanged: $target"
    return
  fi
  run install -D -m "$mode" "$source" "$target"
}

# Creates directory $1 with mode $2, or fixes its mode.
install_dir() {
  local target="$root$1" mode="$2"
  if [ -d "$target" ] && [ "$(stat -c %a "$target")" = "${mode#0}" ]; then
    echo "unchanged: $target/"
    return
  fi
  run install -d -m "$mode" "$target"
}

remove() {
  local target="$root$1"
  if [ -e "$target" ]; then
    run rm -f "$target"
  else
    echo "absent: $target"
  fi
}

if $uninstall; then
  if systemd_running; then
    if systemctl is-enabled --quiet sync-relay.service 2>/dev/null || systemctl is-active --quiet sync-relay.service; then
      run systemctl disable --now sync-relay.service
    fi
  fi
  remove "$unit_path"
  remove "$bin_path"
  remove "$doc_dir/operations.md"
  [ -d "$root$doc_dir" ] && run rmdir --ignore-fail-on-non-empty "$root$doc_dir"
  systemd_running && run systemctl daemon-reload
  echo "kept: $root$config_dir (configuration and credentials)"
  exit 0
fi

# The binary: the one given, or a release build of this checkout.
if [ -z "$binary" ]; then
  if $dry_run; then
    echo "would run: swift build -c release --product sync-relay (in $repo)"
    binary="$repo/.build/release/sync-relay"
  else
    (cd "$repo" && swift build -c release --product sync-relay)
    binary="$(cd "$repo" && swift build -c release --show-bin-path)/sync-relay"
  fi
fi
if [ ! -x "$binary" ] && ! $dry_run; then
  echo "install.sh: $binary is not an executable file" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The unit, pointing at the chosen paths.
sed -e "s#/usr/local/bin/sync-relay#$bin_path#g" \
    -e "s#/usr/local/share/doc/sync-relay#$doc_dir#g" \
    -e "s#/etc/sync-relay#$config_dir#g" \
    "$repo/deploy/sync-relay.service" > "$work/sync-relay.service"

if [ -x "$binary" ] || ! $dry_run; then
  install_file "$binary" "$bin_path" 0755
else
  echo "would run: install -D -m 0755 $binary $root$bin_path"
fi
install_file "$work/sync-relay.service" "$unit_path" 0644
install_file "$repo/docs/operations.md" "$doc_dir/operations.md" 0644

# Configuration: readable by the service's dynamic user, holding no secret itself.
install_dir "$config_dir" 0755
if [ -e "$root$config_path" ]; then
  echo "kept: $root$config_path (an existing configuration is never overwritten)"
else
  run install -m 0644 "$repo/docs/examples/systemd-credentials.json" "$root$config_path"
fi
install_file "$repo/docs/examples/systemd-credentials.json" "$config_dir/config.example.json" 0644

# Credentials: read by systemd (as root) for LoadCredential=, never by the service user directly.
install_dir "$credentials_dir" 0700
if [ ! -e "$root$credentials_dir/twilio-auth-token" ]; then
  echo "next: write the Twilio auth token to $root$credentials_dir/twilio-auth-token (mode 0600)"
fi

if systemd_running; then
  run systemctl daemon-reload
fi
echo "next: edit $root$config_path, then: systemctl enable --now sync-relay (docs/operations.md)"
