#!/usr/bin/env bash
# Install the Debian packages an installer step needs, only when one is missing.
#   installers/system-packages.sh build   what installers/build.sh needs
#   installers/system-packages.sh test    what tests/installers needs beyond that (Xvfb, wine)
set -euo pipefail

case "${1:-}" in
    # binutils: objdump, which PyInstaller and the .deb's Depends read shared libraries with;
    # gnupg, gpgv: signing and verifying. The X11 libraries Qt's xcb platform plugin loads
    # must be on the build machine for PyInstaller to bundle them. wixl (wixl, wixl-heat),
    # msitools (msibuild, msiinfo), osslsigncode, openssl: the MSI, its Authenticode signature.
    build) packages=(binutils gnupg gpgv libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
        libxkbcommon-x11-0 wixl msitools osslsigncode openssl) ;;
    # And the built program's window on an X server (Xvfb; xwininfo finds the window), and
    # wine (wine64: msiexec) to install and uninstall the MSI silently.
    test) packages=(binutils gnupg gpgv libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
        libxkbcommon-x11-0 wixl msitools osslsigncode openssl xvfb xauth x11-utils wine
        wine64) ;;
    *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi
