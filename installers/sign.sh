#!/usr/bin/env bash
# Sign installer artifacts: a detached, ASCII-armoured OpenPGP signature beside each
# (ARTIFACT.asc), a SHA-256 manifest of them all (SHA256SUMS, the sha256sum -c format) with
# its own signature (SHA256SUMS.asc), and the public key (rpr-signing-key.asc).
#   installers/sign.sh OUTDIR ARTIFACT...
# The key, in order:
#   RPR_SIGNING_KEY_FILE   an exported secret key (gpg --export-secret-keys --armor), imported
#                          into a temporary keyring; its passphrase, if any, in the file named
#                          by RPR_SIGNING_PASSPHRASE_FILE
#   RPR_SIGNING_KEY_ID     a key already in $GNUPGHOME (or on a token gpg-agent reaches)
#   neither                a throwaway key made for this build in a temporary GNUPGHOME and
#                          thrown away after: good for testing the chain, not for deployment
# No key is ever kept in the repository.
set -euo pipefail

out=$(cd "$1" && pwd)
shift
(($#)) || { echo "usage: $0 OUTDIR ARTIFACT..." >&2; exit 2; }

gpg_args=(--batch --yes --no-tty)
temporary=""
cleanup() { [[ -z $temporary ]] || { gpgconf --homedir "$temporary" --kill all 2>/dev/null || true; rm -rf "$temporary"; }; }
trap cleanup EXIT

if [[ -n ${RPR_SIGNING_KEY_FILE:-} ]]; then
    temporary=$(mktemp -d "${TMPDIR:-/tmp}/rpr-gnupg.XXXXXX")
    export GNUPGHOME=$temporary
    gpg "${gpg_args[@]}" --quiet --import "$RPR_SIGNING_KEY_FILE"
    key=$(gpg "${gpg_args[@]}" --list-secret-keys --with-colons | awk -F: '$1 == "fpr" && !found { print $10; found = 1 }')
    if [[ -n ${RPR_SIGNING_PASSPHRASE_FILE:-} ]]; then
        gpg_args+=(--pinentry-mode loopback --passphrase-file "$RPR_SIGNING_PASSPHRASE_FILE")
    fi
    echo "signing with the key from RPR_SIGNING_KEY_FILE ($key)" >&2
elif [[ -n ${RPR_SIGNING_KEY_ID:-} ]]; then
    key=$RPR_SIGNING_KEY_ID
    echo "signing with key $key from ${GNUPGHOME:-~/.gnupg}" >&2
else
    temporary=$(mktemp -d "${TMPDIR:-/tmp}/rpr-gnupg.XXXXXX")
    export GNUPGHOME=$temporary
    gpg "${gpg_args[@]}" --quiet --passphrase '' --quick-generate-key \
        "RPR throwaway build key, not for deployment <build@rpr.invalid>" ed25519 sign 0
    key=$(gpg "${gpg_args[@]}" --list-secret-keys --with-colons | awk -F: '$1 == "fpr" && !found { print $10; found = 1 }')
    echo "signing with a throwaway key made for this build ($key): set RPR_SIGNING_KEY_FILE or RPR_SIGNING_KEY_ID for a real one" >&2
fi

names=()
for artifact in "$@"; do
    [[ $(cd "$(dirname "$artifact")" && pwd) == "$out" ]] ||
        { echo "sign: $artifact is not in $out" >&2; exit 1; }
    names+=("$(basename "$artifact")")
done

cd "$out"
gpg "${gpg_args[@]}" --armor --export "$key" >rpr-signing-key.asc
for name in "${names[@]}"; do
    gpg "${gpg_args[@]}" --local-user "$key" --armor --detach-sign --output "$name.asc" "$name"
done
sha256sum -- "${names[@]}" rpr-signing-key.asc >SHA256SUMS
gpg "${gpg_args[@]}" --local-user "$key" --armor --detach-sign --output SHA256SUMS.asc SHA256SUMS
echo "signed ${names[*]} and SHA256SUMS with $key" >&2
