#!/usr/bin/env bash
# Checks the Debian package on this machine (it installs and purges it: run it where that is fine, as CI does):
#   1. builds it (deploy/deb/build.sh), twice: VERSION and VERSION+check1, to upgrade from one to the other;
#   2. lintian: no error and no warning (no override);
#   3. apt-get install ./pkg.deb: the user exists, the unit is installed and enabled but not started, the
#      configuration is a conffile readable by the service's group only, and `sync-relay check` passes from the
#      installed path on the installed configuration;
#   4. an upgrade to the second build keeps an operator's edit of the configuration;
#   5. remove keeps the configuration and the user; purge leaves nothing of the package behind.
#
# Usage: deploy/deb/check.sh [--binary PATH]   (default: a release build, as build.sh makes it)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"

binary_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary_args=(--binary "${2:?--binary needs a path}"); shift 2 ;;
    *) echo "deb/check.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

step() { printf '\n== deb: %s\n' "$*"; }
fail() { echo "deb/check.sh: FAILED: $*" >&2; exit 1; }
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

if dpkg-query -W -f='${Status}' sync-relay 2>/dev/null | grep -q "install ok installed"; then
  fail "a sync-relay package is already installed here; this check installs and purges its own"
fi
for package in lintian dpkg-dev; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    echo "deb/check.sh: installing $package" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$package" >/dev/null
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"; $sudo apt-get purge -y -qq sync-relay >/dev/null 2>&1 || true' EXIT

step "build"
version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/RelayCore/RelayVersion.swift)"
first="$(deploy/deb/build.sh "${binary_args[@]}" --out "$work/first" | tail -1)"
# The second build reuses the first one's binary (same code, newer version): an upgrade, not a rebuild.
binary_again="$work/sync-relay"
dpkg-deb --fsys-tarfile "$first" | tar -xO ./usr/bin/sync-relay > "$binary_again"
chmod 0755 "$binary_again"
second="$(deploy/deb/build.sh --binary "$binary_again" --version "$version+check1" --out "$work/second" | tail -1)"
dpkg-deb --info "$first" | sed -n 's/^ Depends: /Depends: /p'
if dpkg-deb --field "$first" Depends | grep -q -- '-dev'; then fail "depends on a -dev package"; fi
for needed in libcurl4 libsasl2-2 libzstd1 liblz4-1; do
  dpkg-deb --field "$first" Depends | grep -q "$needed" || fail "does not depend on $needed"
done
# librdkafka is linked in statically (docs/decisions/0010-a-pinned-librdkafka.md): Debian's 2.0.2 is not needed.
if dpkg-deb --field "$first" Depends | grep -q librdkafka; then fail "depends on Debian's librdkafka"; fi

step "lintian"
# --fail-on error,warning: an error or a warning fails; info and pedantic tags are printed only.
lintian --fail-on error,warning --tag-display-limit 0 "$first" || fail "lintian (above)"

# What carries the name before the package is installed (the build's own librdkafka under /usr/local/lib/sync-relay,
# scripts/build-librdkafka.sh): purge must leave exactly this.
names_on_disk() {
  find /usr /lib /etc /var/lib/systemd -name '*sync-relay*' -not -path '*/work/*' 2>/dev/null | grep -v "^$repo" | sort || true
}
names_before="$(names_on_disk)"

step "install"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$first" >/dev/null
getent passwd sync-relay >/dev/null || fail "no sync-relay user"
[ -x /usr/bin/sync-relay ] || fail "no /usr/bin/sync-relay"
[ -f /lib/systemd/system/sync-relay.service ] || fail "no unit"
[ -L /etc/systemd/system/multi-user.target.wants/sync-relay.service ] || fail "the unit is not enabled"
# Not started: no process runs the installed binary (other sync-relay processes, such as deploy/check.sh's demo,
# may), and where systemd runs, the unit is inactive.
if pgrep -f '^/usr/bin/sync-relay( |$)' >/dev/null; then fail "the service was started on a first install"; fi
if [ -d /run/systemd/system ] && systemctl is-active --quiet sync-relay; then
  fail "the unit is active after a first install"
fi
[ "$(stat -c '%U:%G %a' /etc/sync-relay/config.json)" = "root:sync-relay 640" ] || fail "config.json ownership"
[ "$(stat -c '%U:%G %a' /etc/sync-relay/credentials)" = "root:root 700" ] || fail "credentials folder"
grep -qx /etc/sync-relay/config.json /var/lib/dpkg/info/sync-relay.conffiles || fail "config.json is no conffile"
systemd-analyze verify /lib/systemd/system/sync-relay.service || fail "systemd-analyze verify"
grep -qx 'ConditionPathExists=/etc/sync-relay/credentials/twilio-auth-token' /lib/systemd/system/sync-relay.service \
  || fail "the unit does not wait for the credential (a boot before it is there would restart-loop)"
# As the unit runs it: as the service user (the configuration is readable by its group only), the token from
# $CREDENTIALS_DIRECTORY (here a stand-in for systemd's copy, a throwaway token).
credentials="$work/credentials"
mkdir -p "$credentials"
printf 'deb-check-token\n' > "$credentials/twilio-auth-token"
chmod 0755 "$work" "$credentials"
chmod 0644 "$credentials/twilio-auth-token"
if [ "$(id -u)" -eq 0 ]; then as_service=(runuser -u sync-relay --); else as_service=(sudo -u sync-relay); fi
"${as_service[@]}" env CREDENTIALS_DIRECTORY="$credentials" /usr/bin/sync-relay check \
  --config /etc/sync-relay/config.json > "$work/check.txt" 2>&1 \
  || { cat "$work/check.txt"; fail "check on the installed configuration, as the service user"; }
grep -q "configuration is valid" "$work/check.txt" || fail "check's summary"
/usr/bin/sync-relay --version | grep -q "$version" || fail "--version"

step "upgrade"
$sudo sed -i 's/"topics": \["orders"\]/"topics": ["orders-edited"]/' /etc/sync-relay/config.json
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o Dpkg::Options::=--force-confold "$second" >/dev/null
[ "$(dpkg-query -W -f='${Version}' sync-relay)" = "$version+check1" ] || fail "not upgraded"
$sudo grep -q '"orders-edited"' /etc/sync-relay/config.json || fail "the upgrade lost the operator's edit"
[ -L /etc/systemd/system/multi-user.target.wants/sync-relay.service ] || fail "the upgrade disabled the unit"
$sudo chmod 0644 /etc/sync-relay/config.json
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confold "$second" >/dev/null
[ "$(stat -c '%a' /etc/sync-relay/config.json)" = "644" ] || fail "a reinstall reset the operator's mode of config.json"

step "remove"
DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq sync-relay >/dev/null
[ ! -e /usr/bin/sync-relay ] || fail "remove left the binary"
[ ! -e /lib/systemd/system/sync-relay.service ] || fail "remove left the unit"
$sudo test -f /etc/sync-relay/config.json || fail "remove took the configuration"
getent passwd sync-relay >/dev/null || fail "remove took the user"

step "purge"
DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq sync-relay >/dev/null
[ ! -e /etc/sync-relay ] || fail "purge left /etc/sync-relay: $(find /etc/sync-relay)"
! getent passwd sync-relay >/dev/null || fail "purge left the user"
! getent group sync-relay >/dev/null || fail "purge left the group"
[ ! -e /etc/systemd/system/multi-user.target.wants/sync-relay.service ] || fail "purge left the enablement link"
leftover="$(comm -13 <(echo "$names_before") <(names_on_disk) | sed '/^$/d')"
[ -z "$leftover" ] || fail "purge left: $leftover"
dpkg-query -W -f='${Status}' sync-relay 2>/dev/null | grep -q "not-installed" || [ -z "$(dpkg-query -W sync-relay 2>/dev/null)" ] \
  || fail "dpkg still knows sync-relay"

echo
echo "deb/check.sh: the package builds, is lintian-clean, installs, upgrades, removes and purges cleanly"
