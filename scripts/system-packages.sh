#!/usr/bin/env bash
# Install the Debian packages a step needs when they are missing: `venv`, `postgresql`, or
# `chromium` (the browser tests' headless Chromium and a Japanese font for its screenshots).
set -euo pipefail

need="$1"
case "$need" in
  postgresql)
    if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then exit 0; fi
    packages=(postgresql) ;;
  venv)
    packages=(python3-venv) ;;
  chromium)
    if [ -x /usr/bin/chromium ] && fc-list :lang=ja 2>/dev/null | grep -q .; then exit 0; fi
    packages=(chromium fonts-ipafont-gothic) ;;
  *) echo "unknown package set: $need" >&2; exit 2 ;;
esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing ${packages[*]} from Debian" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
