#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing; does nothing when all are there.
# Without arguments: what serving needs (gettext for the translations, a CJK TrueType font for labels).
# With --browser: Debian's Chromium, which the browser tests drive through Playwright.
set -euo pipefail

need=()
if [[ "${1:-}" == "--browser" ]]; then
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
else
  command -v msgfmt >/dev/null || need+=(gettext)
  [[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || need+=(fonts-wqy-microhei)
fi
((${#need[@]} == 0)) && exit 0

echo "Installing Debian packages: ${need[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
