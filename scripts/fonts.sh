#!/usr/bin/env bash
# Installs Debian's Noto fonts for the cover tests (src/cover, tests/integration/cover.rs)
# if they are missing: fonts-noto-cjk for Chinese, Japanese and Korean titles, and
# fonts-noto-core, which holds Noto Sans/Serif Hebrew and Noto Naskh/Sans Arabic among
# the other non-Latin scripts. The bundled cover fonts draw only Latin, Greek and
# Cyrillic; these are the system fonts covers fall back to. Exits non-zero when a font
# is still missing, and the tests then fail, because scripts/test.sh sets
# FICBIND_REQUIRE_FONTS.
set -euo pipefail

packages=()
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' ||
    packages+=(fonts-noto-cjk)
dpkg-query -W -f='${Status}' fonts-noto-core 2>/dev/null | grep -q 'ok installed' ||
    packages+=(fonts-noto-core)
if ((${#packages[@]})); then
    echo "installing ${packages[*]} (Debian, no recommends) for the cover tests" >&2
    start=$SECONDS
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${packages[@]}" >/dev/null
    echo "fonts installed in $((SECONDS - start)) s" >&2
fi
# The faces the tests draw with; fontdb reads the font folders itself, so no fc-cache.
for face in NotoSansCJK-Regular.ttc NotoSansHebrew-Regular.ttf NotoNaskhArabic-Regular.ttf; do
    if [ -z "$(find /usr/share/fonts -name "$face" -print -quit)" ]; then
        echo "$face is missing after installing the Noto fonts" >&2
        exit 1
    fi
done
echo "Noto CJK, Hebrew and Arabic fonts present" >&2
