#!/usr/bin/env bash
# Package the one-folder build as a .deb with dpkg-deb (no debhelper).
#   installers/linux/build-deb.sh BUNDLE OUTDIR     prints the .deb's path
# BUNDLE is PyInstaller's dist/rpr. The package holds:
#   /opt/rpr/                                   the one-folder build
#   /usr/bin/rpr                                the launcher
#   /usr/share/applications/rpr.desktop         the desktop entry
#   /usr/share/icons/hicolor/scalable/apps/rpr.svg
#   /usr/share/rpr/settings.toml                the template of the machine-wide settings
#   /usr/share/doc/rpr/                         copyright, the fonts' licence
# and maintainer scripts: config and templates (debconf: the managed settings trust IT
# preseeds); postinst makes the rpr-ward group and /var/lib/rpr (2770, root:rpr-ward) and
# /etc/rpr/settings.toml (from the template, with the preseeded answers: not a conffile, as
# the package's scripts write it); postrm never deletes /var/lib/rpr. Depends: debconf, and
# the packages holding the system libraries the bundle needs and does not carry (objdump,
# ldconfig, dpkg -S).
# RPR_DEB_COMPRESSION (xz, gzip, zstd, none; default xz) and RPR_DEB_REVISION (default 1).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
bundle=$(cd "$1" && pwd)
out=$(cd "$2" && pwd)

version=$(awk -F'"' '/^version = / && !found { print $2; found = 1 }' "$ROOT/pyproject.toml")
[[ -n $version ]] || { echo "build-deb: no version in pyproject.toml" >&2; exit 1; }
version="$version-${RPR_DEB_REVISION:-1}"
arch=$(dpkg --print-architecture)
deb="$out/rpr_${version}_${arch}.deb"

stage=$(mktemp -d "${TMPDIR:-/tmp}/rpr-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
pkg="$stage/rpr"

install -d "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
    "$pkg/usr/share/icons/hicolor/scalable/apps" "$pkg/usr/share/doc/rpr" "$pkg/usr/share/rpr"
cp -a "$bundle" "$pkg/opt/rpr"
chmod -R u=rwX,go=rX "$pkg/opt/rpr"
install -m 0755 "$HERE/launcher.sh" "$pkg/usr/bin/rpr"
install -m 0644 "$HERE/rpr.desktop" "$pkg/usr/share/applications/rpr.desktop"
install -m 0644 "$HERE/rpr.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/rpr.svg"
install -m 0644 "$HERE/settings.toml" "$pkg/usr/share/rpr/settings.toml"
install -m 0644 "$ROOT/assets/fonts/LICENSE.txt" "$pkg/usr/share/doc/rpr/LICENSE.DejaVu.txt"
cat >"$pkg/usr/share/doc/rpr/copyright" <<COPYRIGHT
RPR, the Restrictive Practice Recorder. Proprietary (see the project's licence terms).
The program in /opt/rpr bundles Python, Qt (PySide6, LGPLv3), SQLCipher and other
libraries under their own licences; their licence files are in /opt/rpr/_internal.
The DejaVu fonts: see LICENSE.DejaVu.txt.
COPYRIGHT
install -m 0755 "$HERE/config" "$HERE/postinst" "$HERE/postrm" "$pkg/DEBIAN/"
install -m 0644 "$HERE/templates" "$pkg/DEBIAN/"

# The system libraries the bundle links against but does not carry (glibc, GL, fontconfig,
# the X11 client libraries PyInstaller left out…), as the packages that hold them on this
# machine. A library this machine does not have either (the Wayland plugins' libraries here)
# is named on stderr, not depended on: Qt loads those plugins only when asked for them.
mapfile -t elves < <(find "$pkg/opt/rpr" -type f \( -name '*.so*' -o -name rpr \) \
    -exec sh -c 'head -c 4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
bundled=$(find "$pkg/opt/rpr" \( -type f -o -type l \) -name '*.so*' -printf '%f\n' | sort -u)
needed=$(objdump -p "${elves[@]}" 2>/dev/null | awk '$1 == "NEEDED" { print $2 }' | sort -u |
    comm -23 - <(printf '%s\n' "$bundled"))
packages=(passwd "debconf (>= 0.5) | debconf-2.0")
absent=()
# No early exits in these pipelines: with pipefail a writer cut off (SIGPIPE) fails the build.
cache=$(/sbin/ldconfig -p)
for soname in $needed; do
    path=$(awk -v s="$soname" '$1 == s && !found && /x86-64|AArch64|64bit/ { print $NF; found = 1 }' <<<"$cache")
    [[ -n $path ]] || path=$(awk -v s="$soname" '$1 == s && !found { print $NF; found = 1 }' <<<"$cache")
    owner=""
    if [[ -n $path ]]; then
        owner=$( (dpkg -S "$(readlink -f "$path")" || dpkg -S "$path" || true) 2>/dev/null |
            awk -F: 'NR == 1 { print $1 }')
    fi
    if [[ -n $owner ]]; then packages+=("$owner"); else absent+=("$soname"); fi
done
depends=$(printf '%s\n' "${packages[@]}" | sort -u | paste -sd, - | sed 's/,/, /g')
((${#absent[@]} == 0)) ||
    echo "build-deb: not on this machine, so not in Depends: ${absent[*]}" >&2

installed_size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: rpr
Version: $version
Architecture: $arch
Maintainer: RPR project <rpr@example.invalid>
Section: misc
Priority: optional
Installed-Size: $installed_size
Depends: $depends
Homepage: https://rpr.example.invalid
Description: Restrictive Practice Recorder ward client
 RPR records every use of force on mental-health, learning-disability and
 autism inpatient wards (Mental Health Units (Use of Force) Act 2018) in an
 encrypted store on the ward PC, and syncs it with the trust's server.
 .
 The store lives in /var/lib/rpr (group rpr-ward); trust IT sets the server,
 ward PC policy and idle lock in /etc/rpr/settings.toml.
CONTROL

# md5sums is what dpkg --verify checks installed files against.
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0 md5sum >DEBIAN/md5sums)

dpkg-deb --root-owner-group -Z"${RPR_DEB_COMPRESSION:-xz}" --build "$pkg" "$deb" >&2
echo "$deb"
