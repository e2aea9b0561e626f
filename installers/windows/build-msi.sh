#!/usr/bin/env bash
# Build the Windows Installer package around the one-folder build with wixl (msitools).
#   installers/windows/build-msi.sh [--version X.Y.Z] BUNDLE OUTDIR     prints the .msi's path
# BUNDLE is PyInstaller's dist/rpr; the package is OUTDIR/rpr-VERSION-x64.msi, unsigned
# (installers/windows/sign-msi signs it). The source is installers/windows/rpr.wxs, the same
# one the WiX Toolset 3 builds on the Windows agent (.github/workflows/windows-installer.yml):
#   1. wixl-heat harvests BUNDLE, less its main program, into component group "Bundle";
#   2. wixl builds the package from rpr.wxs (-D Toolset=wixl) and that fragment;
#   3. wixl-complete.py adds what wixl 0.101 cannot author, read from the WiX 3 view of
#      rpr.wxs (-D Toolset=wix3): the IniFile and MsiLockPermissionsEx tables, component
#      conditions, the Permanent bit, SecureCustomProperties, same-version upgrades.
# The main program is rpr.exe in a Windows build; in the Linux build this machine makes it is
# rpr, and the package then only proves the authoring (a Windows PC cannot run what it holds).
# --version (or RPR_MSI_VERSION): the ProductVersion, default pyproject.toml's version; MSI
# versions are numeric, major.minor.build. RPR_MSI_WARD_USERS: the SDDL trustee given modify
# rights on the data folder and read on the settings folder (default BU, BUILTIN\Users; a
# trust can build with its ward group's SID, S-1-5-21-…).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
version=${RPR_MSI_VERSION:-}
if [[ ${1:-} == --version ]]; then
    version=${2:-}
    shift 2
fi
(($# == 2)) || { echo "usage: $0 [--version X.Y.Z] BUNDLE OUTDIR" >&2; exit 2; }
bundle=$(cd "$1" && pwd)
out=$(cd "$2" && pwd)

if [[ -z $version ]]; then
    version=$(awk -F'"' '/^version = / && !found { print $2; found = 1 }' "$ROOT/pyproject.toml")
fi
if ! [[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] ||
    ((BASH_REMATCH[1] > 255 || BASH_REMATCH[2] > 255 || BASH_REMATCH[3] > 65535)); then
    echo "build-msi: version '$version' is not an MSI version (major.minor.build, numeric)" >&2
    exit 1
fi
for tool in wixl wixl-heat msibuild msiinfo python3; do
    command -v "$tool" >/dev/null ||
        { echo "build-msi: $tool is not installed (installers/system-packages.sh build)" >&2; exit 1; }
done

if [[ -f $bundle/rpr.exe ]]; then
    main=rpr.exe
elif [[ -f $bundle/rpr ]]; then
    main=rpr
    echo "build-msi: $bundle is not a Windows build (no rpr.exe): the package proves the" \
        "authoring only, never deploy it" >&2
else
    echo "build-msi: $bundle holds neither rpr.exe nor rpr" >&2
    exit 1
fi
if [[ -n $(find "$bundle" -type l -xtype d) ]]; then
    echo "build-msi: $bundle has links to folders, which an MSI cannot hold" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rpr-msi.XXXXXX")
trap 'rm -rf "$work"' EXIT
msi="$out/rpr-$version-x64.msi"
# wixl finds files by relative paths only: it runs in the bundle, which is BundleDir ".".
defines=(-a x64 -D "Version=$version" -D BundleDir=. -D "MainExe=$main"
    -D "WardUsers=${RPR_MSI_WARD_USERS:-BU}" -D Win64=yes)

# 1. Every file of the build but the main program (rpr.wxs authors it, with the shortcut);
# links to files become copies (the Linux build has some; a Windows build has none).
(cd "$bundle" && find . \( -type f -o -type l \) ! -path "./$main") | LC_ALL=C sort |
    wixl-heat --prefix ./ --directory-ref INSTALLFOLDER --component-group Bundle \
        --var var.BundleDir --win64 >"$work/bundle.wxs"

# 2. wixl warns about the attributes step 3 completes, and says "unimplemented" for the
# non-advertised shortcut it writes anyway; anything else it says is shown, and an attribute
# step 3 does not know about stops the build.
wixl -E "${defines[@]}" -D Toolset=wix3 "$HERE/rpr.wxs" >"$work/wix3.xml"
wixl -E "${defines[@]}" -D Toolset=wixl "$HERE/rpr.wxs" >"$work/wixl.xml"
rm -f "$msi"
(cd "$bundle" && wixl "${defines[@]}" -D Toolset=wixl -o "$msi" "$HERE/rpr.wxs" "$work/bundle.wxs") 2>"$work/wixl.log" ||
    { cat "$work/wixl.log" >&2; echo "build-msi: wixl failed" >&2; exit 1; }
unknown=$(grep -o "has no property named '[A-Za-z]*'" "$work/wixl.log" |
    grep -Ev "'(Permanent|Secure|AllowSameVersionUpgrades)'" || true)
[[ -z $unknown ]] || { echo "build-msi: wixl ignored: $unknown" >&2; rm -f "$msi"; exit 1; }
grep -v -e "has no property named" -e "builder.vala:[0-9]*: unimplemented" -e '^$' "$work/wixl.log" >&2 || true

# 3. What wixl left out.
python3 "$HERE/wixl-complete.py" "$work/wix3.xml" "$work/wixl.xml" "$msi" ||
    { rm -f "$msi"; exit 1; }
echo "$msi"
