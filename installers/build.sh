#!/usr/bin/env bash
# Build the ward client's installers into build/installer/ (or $RPR_INSTALLER_OUT):
#   dist/rpr/                       the one-folder build (PyInstaller, installers/rpr.spec)
#   rpr_VERSION_ARCH.deb            the Debian package (installers/linux/build-deb.sh)
#   rpr_VERSION_ARCH.deb.asc        its detached OpenPGP signature
#   rpr-VERSION-x64.msi (.asc)      the Windows Installer package around the same build
#                                   (installers/windows/build-msi.sh, wixl), Authenticode-signed
#                                   (installers/windows/sign-msi): here it proves the authoring
#                                   only, the Windows program is built on a Windows agent
#   rpr-authenticode-ca.pem         the throwaway Authenticode CA, when no certificate is given
#   SHA256SUMS, SHA256SUMS.asc      the SHA-256 manifest of the artifacts, signed
#   rpr-signing-key.asc             the public key they verify against
# Check an artifact with installers/verify. Signing key: see installers/sign.sh; Authenticode
# certificate and timestamp server: see installers/windows/sign-msi.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$(mkdir -p "${RPR_INSTALLER_OUT:-$ROOT/build/installer}" && cd "${RPR_INSTALLER_OUT:-$ROOT/build/installer}" && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
started=$(date +%s)

"$HERE/system-packages.sh" build
if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$PYTHON" -m pip install --quiet pyinstaller
fi

# The commit built, for `rpr --version`; "-modified" when the work tree differs from it.
work="$OUT/work"
mkdir -p "$work"
commit=unknown
if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    commit=$(git -C "$ROOT" rev-parse HEAD)
    [[ -z $(git -C "$ROOT" status --porcelain --untracked-files=no) ]] || commit="$commit-modified"
fi
printf '%s\n' "$commit" >"$work/BUILD-COMMIT"

echo "== one-folder build (PyInstaller) into $OUT/dist/rpr"
rm -rf "$OUT/dist"
(cd "$ROOT" && RPR_BUILD_COMMIT_FILE="$work/BUILD-COMMIT" "$PYTHON" -m PyInstaller \
    --noconfirm --clean --log-level "${RPR_PYINSTALLER_LOG_LEVEL:-WARN}" \
    --distpath "$OUT/dist" --workpath "$work/pyinstaller" "$HERE/rpr.spec")

# What the build must hold; PyInstaller only warns when a hook misses something.
bundle="$OUT/dist/rpr"
internal="$bundle/_internal"
for path in \
    rpr \
    _internal/BUILD-COMMIT \
    _internal/assets/fonts/DejaVuSans.ttf _internal/assets/fonts/DejaVuSans-Bold.ttf \
    _internal/assets/fonts/DejaVuSans-Oblique.ttf _internal/assets/fonts/LICENSE.txt \
    _internal/app/store/migrations/env.py _internal/app/store/migrations/script.py.mako \
    _internal/PySide6/Qt/plugins/platforms/libqoffscreen.so \
    _internal/PySide6/Qt/plugins/platforms/libqxcb.so; do
    [[ -e "$bundle/$path" ]] || { echo "build: $path is missing from the build" >&2; exit 1; }
done
for migration in "$ROOT"/app/store/migrations/versions/*.py; do
    name=$(basename "$migration")
    [[ -f "$internal/app/store/migrations/versions/$name" ]] ||
        { echo "build: migration $name is missing from the build" >&2; exit 1; }
done
compgen -G "$internal/sqlcipher3/_sqlite3*.so" >/dev/null ||
    { echo "build: sqlcipher3's native module is missing from the build" >&2; exit 1; }
compgen -G "$internal/rpr[-.]*-info" >/dev/null ||
    { echo "build: the rpr package metadata is missing from the build" >&2; exit 1; }
"$bundle/rpr" --version

echo "== Debian package"
rm -f "$OUT"/*.deb "$OUT"/*.msi "$OUT"/*.asc "$OUT/SHA256SUMS"
deb=$("$HERE/linux/build-deb.sh" "$bundle" "$OUT")

echo "== Windows Installer package (wixl), Authenticode signature"
rm -f "$OUT"/*.msi "$OUT/rpr-authenticode-ca.pem"
msi_started=$(date +%s)
msi=$("$HERE/windows/build-msi.sh" "$bundle" "$OUT")
"$HERE/windows/sign-msi" "$msi"
echo "MSI built and signed in $(($(date +%s) - msi_started)) s"

echo "== signatures and manifest"
"$HERE/sign.sh" "$OUT" "$deb" "$msi"

echo "built in $(($(date +%s) - started)) s:"
(cd "$OUT" && du -sh dist/rpr && ls -l "$(basename "$deb")" "$(basename "$msi")" ./*.asc SHA256SUMS)
