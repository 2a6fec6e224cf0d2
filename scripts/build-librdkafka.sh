#!/usr/bin/env bash
# Builds the pinned librdkafka that sync-relay links statically (docs/decisions/0010-a-pinned-librdkafka.md), from
# Debian's own source package, and installs it where SwiftPM finds it through pkg-config (`sync-relay-rdkafka`).
#
# - The source comes through apt's own client, with a private apt configuration (its own sources list, lists and
#   cache under the work folder). Its deb-src lines name the mirror the machine already uses for Debian (read from
#   apt, never written here) and the suites that carry the pinned version. The system's sources are not touched.
# - Built with Debian 12's OpenSSL, cyrus SASL, zstd, lz4, zlib and libcurl (OAUTHBEARER's OIDC method).
# - Installed under $PREFIX with only the static archive (librdkafka-sync-relay.a), so nothing links Debian's
#   librdkafka1 or librdkafka-dev's archive.
# - Idempotent: when the pinned version is installed with the features asked for, it only says so.
#
# Usage: scripts/build-librdkafka.sh      (as root, or through sudo; install-deps.sh calls it)
# Environment: LIBRDKAFKA_PREFIX (default /usr/local/lib/sync-relay/librdkafka-VERSION),
#              LIBRDKAFKA_WORK (default a temporary folder, removed afterwards).
set -euo pipefail

# The pin. To update it: set the new upstream and Debian versions, the suites that carry them (apt-cache showsrc
# librdkafka through the same private configuration tells), run install-deps, the test command and
# `bench/run kafka-bench`, and record the figures in the decision record.
version=2.14.2
debian_version=2.14.2-1
suites=(sid forky trixie)
features=(ZLIB SSL SASL_CYRUS ZSTD CURL LZ4_EXT SASL_SCRAM SASL_OAUTHBEARER OAUTHBEARER_OIDC)

prefix="${LIBRDKAFKA_PREFIX:-/usr/local/lib/sync-relay/librdkafka-$version}"
pcdir=/usr/local/lib/pkgconfig
pcfile="$pcdir/sync-relay-rdkafka.pc"
stamp="$prefix/BUILT_WITH"

if [ -f "$pcfile" ] && [ -f "$prefix/lib/librdkafka-sync-relay.a" ] && [ -f "$stamp" ] &&
  [ "$(pkg-config --modversion sync-relay-rdkafka 2>/dev/null)" = "$version" ] &&
  grep -q "^prefix=$prefix\$" "$pcfile"; then
  missing_feature=""
  for feature in "${features[@]}"; do grep -qw "$feature" "$stamp" || missing_feature="$feature"; done
  if [ -z "$missing_feature" ]; then
    echo "build-librdkafka: librdkafka $version is in place ($prefix)" >&2
    exit 0
  fi
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
build_packages=(dpkg-dev gcc make python3 libssl-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev libcurl4-openssl-dev)
needed=()
for package in "${build_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || needed+=("$package")
done
if [ ${#needed[@]} -gt 0 ]; then
  echo "build-librdkafka: installing ${needed[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi

work="${LIBRDKAFKA_WORK:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/source"

# The mirror this machine uses for Debian itself: the repository apt serves the system's own release from.
. /etc/os-release
mirror_of_release() {
  apt-get indextargets --format '$(REPO_URI) $(RELEASE)' | awk -v release="$VERSION_CODENAME" '$2 == release { print $1; exit }'
}
mirror="$(mirror_of_release)"
if [ -z "$mirror" ]; then
  # apt lists index targets only once it has fetched them: a fresh machine whose lists were cleaned has none.
  $sudo apt-get update -qq
  mirror="$(mirror_of_release)"
fi
[ -n "$mirror" ] || {
  echo "build-librdkafka: apt has no repository for Debian $VERSION_CODENAME configured; cannot derive a source mirror" >&2
  exit 1
}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
: >"$work/sources.list"
for suite in "${suites[@]}"; do
  echo "deb-src [signed-by=$keyring] $mirror $suite main" >>"$work/sources.list"
done
apt_private=(
  -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root
)
echo "build-librdkafka: fetching librdkafka $debian_version's source (suites ${suites[*]})" >&2
apt-get "${apt_private[@]}" -qq update >&2
(cd "$work/source" && apt-get "${apt_private[@]}" -qq source --download-only "librdkafka=$debian_version" >&2)
# apt checked the files against the signed Sources index. Debian's patches only unbundle cJSON and nanopb, which
# this build keeps bundled, so the upstream tarball is built as it is.
tar -xzf "$work/source/librdkafka_$version.orig.tar.gz" -C "$work/source"
tree="$(find "$work/source" -mindepth 1 -maxdepth 1 -type d -name '*librdkafka*' | head -n 1)"
[ -n "$tree" ] || { echo "build-librdkafka: the source tarball has no librdkafka folder" >&2; exit 1; }

echo "build-librdkafka: building librdkafka $version" >&2
(
  cd "$tree"
  ./configure --prefix="$prefix" --no-download --enable-zlib --enable-zstd --enable-ssl --enable-gssapi \
    --enable-curl --enable-lz4-ext >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; exit 1; }
  make -j"$(nproc)" -C src >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; exit 1; }
)
built_with="$(sed -n 's/^#define BUILT_WITH "\(.*\)"$/\1/p' "$tree/config.h")"
for feature in "${features[@]}"; do
  echo " $built_with " | grep -qw "$feature" || {
    echo "build-librdkafka: the build lacks $feature (BUILT_WITH: $built_with); see $work/configure.log" >&2
    exit 1
  }
done

$sudo rm -rf "$prefix"
$sudo install -d "$prefix/include/librdkafka" "$prefix/lib" "$pcdir"
$sudo install -m 0644 "$tree/src/rdkafka.h" "$tree/src/rdkafka_mock.h" "$prefix/include/librdkafka/"
# Only the static archive, under a name no other librdkafka uses: SwiftPM puts libcurl's library folder (Debian's,
# where librdkafka-dev keeps its own librdkafka.a and .so) before this one, so `-lrdkafka` or `-l:librdkafka.a` would
# link Debian's 2.0.2.
$sudo install -m 0644 "$tree/src/librdkafka.a" "$prefix/lib/librdkafka-sync-relay.a"
$sudo install -m 0644 "$tree/LICENSE" "$tree/LICENSES.txt" "$prefix/"
echo "$built_with" | $sudo tee "$stamp" >/dev/null
# librdkafka's own rdkafka-static.pc names the archive by path, which SwiftPM refuses; this names it with -L/-l and
# lists what the archive needs after it.
$sudo tee "$pcfile" >/dev/null <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: sync-relay-rdkafka
Description: librdkafka $version, built by sync-relay's scripts/build-librdkafka.sh and linked statically
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lrdkafka-sync-relay -lcurl -lzstd -lsasl2 -lssl -lcrypto -lz -llz4 -lm -ldl -lpthread -lrt
PC
echo "build-librdkafka: librdkafka $version installed in $prefix ($built_with)" >&2
