#!/usr/bin/env bash
# Builds a Debian package of sync-relay with dpkg-deb: the binary (a release build with Swift's runtime linked in
# statically, so a machine needs only Debian's own libraries), the hardened unit, /etc/sync-relay/config.json as a
# conffile, the maintainer scripts in this folder (system user, enable without start, restart on upgrade, clean
# purge) and the documentation. Dependencies come from dpkg-shlibdeps, so they name runtime packages (libcurl4,
# libssl3, libsasl2-2, ...), never -dev ones, and not librdkafka1: librdkafka is linked in statically
# (docs/decisions/0010-a-pinned-librdkafka.md). docs/operations.md, "Debian package", describes what it installs.
#
# Usage: deploy/deb/build.sh [--binary PATH] [--version VERSION] [--out DIR]
#   --binary   package this sync-relay binary instead of building one
#   --version  the package version (default: RelayVersion.current, e.g. 0.1.0)
#   --out      where the .deb goes (default: dist/); the path is printed on the last line
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"

binary=""
version=""
out="$repo/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/RelayCore/RelayVersion.swift)"
[ -n "$version" ] || { echo "build.sh: cannot read the version from Sources/RelayCore/RelayVersion.swift" >&2; exit 1; }

missing=()
for tool in dpkg-deb dpkg-shlibdeps; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "build.sh: installing dpkg-dev" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi

if [ -z "$binary" ]; then
  swift build -c release --product sync-relay --static-swift-stdlib >&2
  binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/sync-relay"
fi
[ -x "$binary" ] || { echo "build.sh: $binary is not an executable" >&2; exit 1; }

arch="$(dpkg --print-architecture)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/sync-relay_${version}_${arch}"

# Files.
install -D -m 0755 "$binary" "$stage/usr/bin/sync-relay"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/sync-relay"
install -d -m 0755 "$stage/lib/systemd/system"
sed -e 's#/usr/local/bin/sync-relay#/usr/bin/sync-relay#g' \
    -e 's#/usr/local/share/doc/sync-relay#/usr/share/doc/sync-relay#g' \
    -e 's#^\# Installed by deploy/install.sh;#\# Installed by the sync-relay package;#' \
    -e 's#^DynamicUser=yes#\# The package creates the system user sync-relay, which DynamicUser= then uses.\nDynamicUser=yes#' \
    -e 's#^After=network-online.target$#After=network-online.target\n\# Enabled by the package before the token is there: until it is, boot skips the unit (no restart loop).\n\# A configuration with another credential changes this line with a drop-in.\nConditionPathExists=/etc/sync-relay/credentials/twilio-auth-token#' \
    deploy/sync-relay.service > "$stage/lib/systemd/system/sync-relay.service"
chmod 0644 "$stage/lib/systemd/system/sync-relay.service"
# As deploy/install.sh: the configuration the unit expects (the Twilio token through LoadCredential=).
install -D -m 0644 docs/examples/systemd-credentials.json "$stage/etc/sync-relay/config.json"
doc="$stage/usr/share/doc/sync-relay"
install -d -m 0755 "$doc"
for page in README.md docs/operations.md docs/configuration.md docs/metrics.md docs/message-format.md \
  docs/reliability.md docs/architecture.md config.example.json docs/config.schema.json; do
  install -m 0644 "$page" "$doc/$(basename "$page")"
done
install -d -m 0755 "$doc/examples"
install -m 0644 docs/examples/* "$doc/examples/"
# librdkafka is in the binary (scripts/build-librdkafka.sh): its license goes with it.
rdkafka_prefix="$(pkg-config --variable=prefix sync-relay-rdkafka)"
rdkafka_version="$(pkg-config --modversion sync-relay-rdkafka)"
[ -f "$rdkafka_prefix/LICENSE" ] || { echo "build.sh: no librdkafka license in '$rdkafka_prefix': run scripts/install-deps.sh" >&2; exit 1; }
cat > "$doc/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: sync-relay
Source: the sync-relay repository

Files: *
Copyright: 2026 the sync-relay authors
License: proprietary
 All rights reserved. librdkafka $rdkafka_version (BSD-2-clause, below; the code it bundles is listed with its
 licenses in librdkafka-LICENSES.txt) and Swift's runtime (Apache-2.0 with Runtime Library Exception) are linked in
 statically. Built against Debian's libcurl (curl license), OpenSSL, cyrus SASL, zstd, lz4 and zlib, which are not
 included: the package depends on Debian's runtime packages.

License: BSD-2-clause
$(sed -e 's/^$/./' -e 's/^/ /' "$rdkafka_prefix/LICENSE")
COPYRIGHT
install -m 0644 "$rdkafka_prefix/LICENSES.txt" "$doc/librdkafka-LICENSES.txt"
chmod 0644 "$doc/copyright"
cat > "$work/changelog" <<CHANGELOG
sync-relay ($version) stable; urgency=medium

  * Package of sync-relay $version, built by deploy/deb/build.sh.

 -- sync-relay maintainers <maintainers@sync-relay.invalid>  $(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
CHANGELOG
# A native package (no Debian revision): its changelog is changelog.gz.
gzip -9n -c "$work/changelog" > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -d -m 0755 "$stage/usr/share/man/man1"
gzip -9n -c deploy/deb/sync-relay.1 > "$stage/usr/share/man/man1/sync-relay.1.gz"
chmod 0644 "$stage/usr/share/man/man1/sync-relay.1.gz"

# Dependencies: dpkg-shlibdeps reads the binary's libraries and names the runtime packages that provide them.
mkdir -p "$work/shlibs/debian"
printf 'Source: sync-relay\n\nPackage: sync-relay\nArchitecture: any\n' > "$work/shlibs/debian/control"
shlibs="$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$stage/usr/bin/sync-relay" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$shlibs" ] || { echo "build.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
case "$shlibs" in *-dev*) echo "build.sh: a -dev package in the dependencies: $shlibs" >&2; exit 1 ;; esac

# Control files.
install -d -m 0755 "$stage/DEBIAN"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: sync-relay
Version: $version
Architecture: $arch
Maintainer: sync-relay maintainers <maintainers@sync-relay.invalid>
Installed-Size: $installed_size
Depends: $shlibs, adduser, init-system-helpers (>= 1.54~)
Section: net
Priority: optional
Description: relays Kafka topics to Twilio Sync Streams
 sync-relay consumes Kafka topics and republishes their records to Twilio Sync
 Streams over Twilio's REST API: records packed into messages of at most 4 KiB,
 paced to 30 messages per second per stream, retried with Retry-After, and
 offsets committed only once their records are accepted or deliberately
 dropped. It runs as a hardened systemd service with Prometheus metrics.
 .
 The service is enabled but not started on a first install: edit
 /etc/sync-relay/config.json, check it with "sync-relay check", then start it.
CONTROL
echo "/etc/sync-relay/config.json" > "$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "deploy/deb/$script" "$stage/DEBIAN/$script"; done

mkdir -p "$out"
package="$out/sync-relay_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$package" >&2
echo "$package"
