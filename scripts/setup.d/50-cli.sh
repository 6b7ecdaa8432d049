#!/usr/bin/env bash
# The command line's HTML report check: headless Chromium (Debian's `chromium`) renders the report,
# and fonts-noto-cjk gives Chinese text its glyphs. Installed only when missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
grep -q "install ok installed" <<<"$(dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null)" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
