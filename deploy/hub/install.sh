#!/usr/bin/env bash
# Installs (or updates in place) the ejia hub on a Debian server, under systemd.
# Idempotent. For Docker instead, see deploy/hub/Dockerfile. docs/OPERATIONS.md, "Installing the hub".
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: install.sh --app DIR --registry FILE --tls DIR [options]
  --app DIR          a built ejia checkout (npm ci && npm run build), copied to /opt/ejia-hub/releases/<version>
  --registry FILE    registry.json from the provisioning bundle
  --tls DIR          the bundle's hub/ folder from `ejia-config provision --ca` (server.crt, server.key,
                     ca.crt), installed in /etc/ejia-hub/tls: kiosks over mqtts, the API over HTTPS
  --root DIR         install under DIR instead of / (tests, image builds)
  --data-dir DIR     hub database and backups (default /var/lib/ejia-hub)
  --node PATH        Node.js 20.19+ (default: node on PATH)
  --no-system        do not create the user, chown, or talk to systemd
USAGE
}

ROOT=/
DATA_DIR=/var/lib/ejia-hub
APP=
REGISTRY=
TLS_DIR=
NODE_BIN=
SYSTEM=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --root) ROOT=$2; shift 2 ;;
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --app) APP=$2; shift 2 ;;
    --registry) REGISTRY=$2; shift 2 ;;
    --tls) TLS_DIR=$2; shift 2 ;;
    --node) NODE_BIN=$2; shift 2 ;;
    --no-system) SYSTEM=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ -z "$APP" || -z "$REGISTRY" || -z "$TLS_DIR" ]]; then usage >&2; exit 2; fi
for f in server.crt server.key ca.crt; do
  [[ -f "$TLS_DIR/$f" ]] || { echo "$TLS_DIR/$f is missing: --tls is the hub/ folder of ejia-config provision --ca" >&2; exit 1; }
done
if [[ -z "$NODE_BIN" ]]; then NODE_BIN=$(command -v node || echo /usr/bin/node); fi
[[ -f "$APP/hub/dist/cli.js" ]] || { echo "$APP is not built (npm ci && npm run build)" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${ROOT%/}
OPT=/opt/ejia-hub
ETC=/etc/ejia-hub
did() { echo "  - $*"; }
echo "ejia hub install into ${ROOT:-/}"

VERSION=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$APP/hub/package.json" | head -n1)
[[ "$VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$ ]] || { echo "bad version '$VERSION'" >&2; exit 1; }

if [[ $SYSTEM -eq 1 ]] && ! id -u ejia-hub >/dev/null 2>&1; then
  useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin ejia-hub
  did "created system user ejia-hub"
fi

REL="$ROOT$OPT/releases/$VERSION"
if [[ ! -f "$REL/hub/dist/cli.js" ]]; then
  mkdir -p "$REL.staging"
  # the workspaces the hub runs on, with their installed node_modules
  for part in package.json node_modules protocol platform firmware-config hub; do
    cp -a "$APP/$part" "$REL.staging/"
  done
  mv "$REL.staging" "$REL"
  did "copied hub $VERSION into $OPT/releases/$VERSION"
fi
if [[ "$(readlink "$ROOT$OPT/current" 2>/dev/null || true)" != "releases/$VERSION" ]]; then
  ln -sfn "releases/$VERSION" "$ROOT$OPT/.current-new"
  mv -T "$ROOT$OPT/.current-new" "$ROOT$OPT/current"
  did "pointed $OPT/current at releases/$VERSION"
fi

install -d -m 0750 "$ROOT$ETC" "$ROOT$DATA_DIR"
if ! cmp -s "$REGISTRY" "$ROOT$ETC/registry.json" 2>/dev/null; then
  install -m 0640 "$REGISTRY" "$ROOT$ETC/registry.json"
  did "installed $ETC/registry.json"
fi
# the server key is read by the hub's user only (docs/OPERATIONS.md, "Provisioning with a district CA")
install -d -m 0750 "$ROOT$ETC/tls"
for f in server.crt ca.crt server.key; do
  mode=0644
  [[ $f == server.key ]] && mode=0640
  if ! cmp -s "$TLS_DIR/$f" "$ROOT$ETC/tls/$f" 2>/dev/null; then
    install -m "$mode" "$TLS_DIR/$f" "$ROOT$ETC/tls/$f"
    did "installed $ETC/tls/$f"
  fi
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
sed -e "s|@NODE@|$NODE_BIN|g" -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@OPT@|$OPT|g" -e "s|@ETC@|$ETC|g" \
  "$HERE/ejia-hub.service" >"$TMP/ejia-hub.service"
if ! cmp -s "$TMP/ejia-hub.service" "$ROOT/etc/systemd/system/ejia-hub.service" 2>/dev/null; then
  install -D -m 0644 "$TMP/ejia-hub.service" "$ROOT/etc/systemd/system/ejia-hub.service"
  did "installed /etc/systemd/system/ejia-hub.service"
fi

if [[ $SYSTEM -eq 1 ]]; then
  chown -R ejia-hub:ejia-hub "$ROOT$DATA_DIR"
  chown root:ejia-hub "$ROOT$ETC" "$ROOT$ETC/registry.json" "$ROOT$ETC/tls" "$ROOT$ETC/tls/server.key"
  systemctl daemon-reload
  systemctl enable ejia-hub.service >/dev/null
  systemctl restart ejia-hub.service
  did "enabled and (re)started ejia-hub.service"
  echo "  first admin password: $DATA_DIR/initial-admin-password (read it once, then delete it)"
else
  did "skipped user, ownership and systemd (--no-system)"
fi
echo "ejia hub $VERSION installed"
