#!/usr/bin/env bash
# Installs (or upgrades in place) the ejia kiosk agent on a Debian kiosk.
# Idempotent: running it again with the same arguments changes nothing.
# docs/OPERATIONS.md, "Installing a kiosk".
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: install.sh --release ejia-edge-<version>.tar.gz --config station-<id>.json [options]
  --release FILE     signed release tarball (ejia-release pack); FILE.manifest.json next to it
  --config FILE      the station's config from the provisioning bundle (holds its secret)
  --root DIR         install under DIR instead of / (tests, image builds)
  --data-dir DIR     journal, photos and remote settings (default /var/lib/ejia: persistent storage)
  --node PATH        Node.js 20.19+ to run the agent with (default: node on PATH)
  --ui-user USER     the desktop user whose session runs Chromium (default: kiosk; named in the unit)
  --no-system        do not create the user, chown, or talk to systemd (tests, image builds)
USAGE
}

ROOT=/
DATA_DIR=/var/lib/ejia
RELEASE=
CONFIG=
NODE_BIN=
UI_USER=kiosk
SYSTEM=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --root) ROOT=$2; shift 2 ;;
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --release) RELEASE=$2; shift 2 ;;
    --config) CONFIG=$2; shift 2 ;;
    --node) NODE_BIN=$2; shift 2 ;;
    --ui-user) UI_USER=$2; shift 2 ;;
    --no-system) SYSTEM=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ -z "$RELEASE" || -z "$CONFIG" ]]; then usage >&2; exit 2; fi
if [[ -z "$NODE_BIN" ]]; then NODE_BIN=$(command -v node || echo /usr/bin/node); fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${ROOT%/}
OPT=/opt/ejia
ETC=/etc/ejia
did() { echo "  - $*"; }

echo "ejia kiosk install into ${ROOT:-/}"

# 1. the release: checksum against its manifest (the kiosk checks the signature on upgrades;
#    an office installing by hand holds the tarball it packed itself)
MANIFEST="$RELEASE.manifest.json"
[[ -f "$MANIFEST" ]] || { echo "no manifest $MANIFEST" >&2; exit 1; }
VERSION=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$MANIFEST" | head -n1)
WANT=$(sed -n 's/^ *"sha256": *"\([0-9a-f]*\)".*/\1/p' "$MANIFEST" | head -n1)
GOT=$(sha256sum "$RELEASE" | cut -d' ' -f1)
if [[ "$GOT" != "$WANT" ]]; then
  echo "checksum mismatch: $RELEASE is $GOT, its manifest says $WANT" >&2
  exit 1
fi
[[ "$VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$ ]] || { echo "bad version '$VERSION'" >&2; exit 1; }

# 2. the system user
if [[ $SYSTEM -eq 1 ]]; then
  if ! id -u ejia >/dev/null 2>&1; then
    useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin --groups video,dialout ejia
    did "created system user ejia (groups video, dialout: camera and serial readers)"
  fi
fi

# 3. /opt/ejia/releases/<version> and the current link
REL_DIR="$ROOT$OPT/releases/$VERSION"
if [[ ! -f "$REL_DIR/package.json" ]]; then
  STAGING="$ROOT$OPT/releases/.staging-$VERSION"
  rm -rf "$STAGING"
  mkdir -p "$STAGING"
  tar -xzf "$RELEASE" -C "$STAGING" --no-same-owner
  mv "$STAGING" "$REL_DIR"
  did "unpacked release $VERSION into $OPT/releases/$VERSION"
fi
if [[ "$(readlink "$ROOT$OPT/current" 2>/dev/null || true)" != "releases/$VERSION" ]]; then
  ln -sfn "releases/$VERSION" "$ROOT$OPT/.current-new"
  mv -T "$ROOT$OPT/.current-new" "$ROOT$OPT/current"
  did "pointed $OPT/current at releases/$VERSION"
fi

# 4. config (0600: it holds the station secret) and data directory
install -d -m 0750 "$ROOT$ETC" "$ROOT$DATA_DIR"
if ! cmp -s "$CONFIG" "$ROOT$ETC/station.json" 2>/dev/null; then
  install -m 0600 "$CONFIG" "$ROOT$ETC/station.json"
  did "installed station config $ETC/station.json (0600)"
fi

# 4b. the station's TLS files (ejia-config provision --ca): its config names them relative to
#     itself, so they go beside it; the key 0600, as the config
CONFIG_DIR=$(cd "$(dirname "$CONFIG")" && pwd)
TLS_FILES=$("$NODE_BIN" -e '
  const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").replace(/^\uFEFF/, ""))
  const t = c.hub && c.hub.tls
  if (t) for (const [kind, f] of [["ca", t.caFile], ["cert", t.certFile], ["key", t.keyFile]]) console.log(kind + "\t" + f)
' "$CONFIG")
while IFS=$'\t' read -r kind rel; do
  [[ -z "$rel" ]] && continue
  [[ "$rel" = /* ]] && continue # an absolute path: the office put the file there itself
  if [[ "$rel" == *..* ]]; then echo "hub.tls names $rel: give a path beside the config" >&2; exit 1; fi
  [[ -f "$CONFIG_DIR/$rel" ]] || { echo "hub.tls names $rel, which is not beside $CONFIG" >&2; exit 1; }
  mode=0644
  [[ "$kind" = key ]] && mode=0600
  if ! cmp -s "$CONFIG_DIR/$rel" "$ROOT$ETC/$rel" 2>/dev/null; then
    install -D -m "$mode" "$CONFIG_DIR/$rel" "$ROOT$ETC/$rel"
    did "installed $ETC/$rel ($mode)"
  fi
done <<<"$TLS_FILES"

# 5. systemd units, polkit rule, journald drop-in
install_file() { # mode src dest
  if ! cmp -s "$2" "$3" 2>/dev/null; then
    install -D -m "$1" "$2" "$3"
    did "installed $4"
  fi
}
render() { # src -> stdout
  sed -e "s|@NODE@|$NODE_BIN|g" -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@OPT@|$OPT|g" \
      -e "s|@ETC@|$ETC|g" -e "s|@UI_USER@|$UI_USER|g" "$1"
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for unit in ejia-edge.service ejia-upgrade.service ejia-upgrade.path; do
  render "$HERE/$unit" >"$TMP/$unit"
  install_file 0644 "$TMP/$unit" "$ROOT/etc/systemd/system/$unit" "/etc/systemd/system/$unit"
done
# a user unit, for the desktop session that autologs in (see the unit)
render "$HERE/ejia-kiosk-ui.service" >"$TMP/ejia-kiosk-ui.service"
install_file 0644 "$TMP/ejia-kiosk-ui.service" "$ROOT/etc/systemd/user/ejia-kiosk-ui.service" \
  "/etc/systemd/user/ejia-kiosk-ui.service (user unit)"
install_file 0644 "$HERE/ejia-upgrade.polkit.rules" "$ROOT/etc/polkit-1/rules.d/50-ejia-upgrade.rules" \
  "polkit rule: ejia may restart ejia-edge.service"
install_file 0644 "$HERE/journald-ejia.conf" "$ROOT/etc/systemd/journald.conf.d/ejia.conf" \
  "journald limits (logs go to the journal; no log files to rotate)"

if [[ $SYSTEM -eq 1 ]]; then
  # the agent unpacks releases, and writes a rotated secret into its config (keeping
  # station.json.prev beside it): ejia owns both trees, nobody else reads the config
  chown -R ejia:ejia "$ROOT$DATA_DIR" "$ROOT$OPT/releases" "$ROOT$ETC"
  chown -h ejia:ejia "$ROOT$OPT/current"
  chmod 0700 "$ROOT$ETC"
  systemctl daemon-reload
  systemctl enable ejia-edge.service ejia-upgrade.path >/dev/null
  systemctl start ejia-upgrade.path
  systemctl restart ejia-edge.service
  systemctl --global enable ejia-kiosk-ui.service >/dev/null
  did "enabled and (re)started ejia-edge.service and ejia-upgrade.path; enabled ejia-kiosk-ui.service for the desktop session of $UI_USER"
else
  did "skipped user, ownership and systemd (--no-system)"
fi
echo "ejia kiosk agent $VERSION installed"
