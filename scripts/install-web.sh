#!/usr/bin/env bash
# Installs and builds the web console (web/), idempotently:
#   - `npm ci` only when web/node_modules is missing or web/package-lock.json changed since the
#     last install (stamp: web/node_modules/.suanli-lock.sha256);
#   - `npm run build` (type check + Vite) only when a source changed since the last build
#     (stamp: web/dist/.suanli-src.sha256 over package-lock.json, config files and src/);
#   - Debian's chromium and fonts-noto-cjk (for the console's browser tests) when missing.
# Options: --no-build (install only), --no-chromium (skip the apt step).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/web"
build=1
chromium=1
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --no-chromium) chromium=0 ;;
    *) echo "install-web: unknown option $a" >&2; exit 2 ;;
  esac
done

need() { command -v "$1" >/dev/null 2>&1; }
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
  $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "$@"
}

if ! need node || ! need npm; then
  echo "install-web: installing nodejs and npm"
  apt_install nodejs npm
fi
# Vite 7 and the lockfile need Node 20.19 or later; Debian 12's own nodejs is 18. Refuse early
# with the reason rather than fail halfway through the build.
node_version="$(node -p 'process.versions.node')"
IFS=. read -r node_major node_minor _ <<<"$node_version"
if (( node_major < 20 || (node_major == 20 && node_minor < 19) )); then
  echo "install-web: Node $node_version is too old: the console needs Node >= 20.19" >&2
  echo "install-web: (Debian 12's nodejs is 18; install Node 20 LTS, e.g. from NodeSource)" >&2
  exit 1
fi

lock_sum="$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)"
lock_stamp="$WEB/node_modules/.suanli-lock.sha256"
if [[ ! -d "$WEB/node_modules" || ! -f "$lock_stamp" || "$(cat "$lock_stamp")" != "$lock_sum" ]]; then
  echo "install-web: npm ci"
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$lock_stamp"
fi

if ((build)); then
  src_sum="$(cd "$WEB" && find src index.html package.json package-lock.json vite.config.ts tsconfig.json tsconfig.app.json \
    -type f ! -name '*.test.ts' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  src_stamp="$WEB/dist/.suanli-src.sha256"
  if [[ ! -f "$WEB/dist/index.html" || ! -f "$src_stamp" || "$(cat "$src_stamp")" != "$src_sum" ]]; then
    echo "install-web: npm run build"
    (cd "$WEB" && npm run build --silent)
    echo "$src_sum" > "$src_stamp"
  fi
fi

# Chromium for the browser tests, and a CJK font so the zh-CN screenshots show characters.
if ((chromium)); then
  pkgs=()
  need chromium || pkgs+=(chromium)
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || pkgs+=(fonts-noto-cjk)
  if ((${#pkgs[@]})); then
    echo "install-web: installing ${pkgs[*]}"
    apt_install "${pkgs[@]}"
  fi
fi
