#!/usr/bin/env bash
# Makes the cluster certificate for Akka remoting TLS (docs/cluster.md, "Remoting TLS"): a self-signed certificate with its
# private key in a password-protected PFX / PKCS#12 file, the same file on every node, and the password beside it.
#
#   scripts/make-remoting-cert.sh [FOLDER] [DAYS]     default FOLDER .local/certs, DAYS 365
#
# Writes FOLDER/remoting.pfx and FOLDER/remoting.password (both mode 600; existing files are kept, delete them to
# renew). Nodes: BankAccounts__Cluster__Tls__CertificatePath=FOLDER/remoting.pfx and
# BankAccounts__Cluster__Tls__CertificatePasswordFile=FOLDER/remoting.password. Never commit these files
# (.local/ and deploy/secrets/ are ignored by git). docker-compose.yml expects FOLDER deploy/secrets.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-$repo/.local/certs}"
days="${2:-365}"
pfx="$folder/remoting.pfx"
password_file="$folder/remoting.password"

log() { echo "make-remoting-cert.sh: $*" >&2; }

if ! command -v openssl >/dev/null 2>&1; then
  [[ $EUID -eq 0 ]] || { log "openssl is not installed: run 'apt-get install -y openssl' as root first"; exit 1; }
  log "installing openssl (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
fi

if [[ -f "$pfx" && -f "$password_file" ]]; then
  log "$pfx exists; keeping it (delete it and $password_file to make a new one)"
  exit 0
fi

mkdir -p "$folder"
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 32 random bytes as hex: no characters that need quoting in HOCON, YAML or a shell.
openssl rand -hex 32 > "$work/password"
openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days "$days" \
  -subj "/CN=bank-accounts-cluster" \
  -addext "basicConstraints=critical,CA:FALSE" \
  -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
  -addext "extendedKeyUsage=serverAuth,clientAuth" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
openssl pkcs12 -export -name bank-accounts-cluster -inkey "$work/key.pem" -in "$work/cert.pem" \
  -passout "file:$work/password" -out "$work/remoting.pfx"

mv "$work/remoting.pfx" "$pfx"
mv "$work/password" "$password_file"
chmod 600 "$pfx" "$password_file"
log "wrote $pfx (valid $days days, SHA-256 $(openssl x509 -in "$work/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)) and $password_file"
