#!/usr/bin/env bash
# Re-vendor Bootstrap's CSS (MIT) into activate_dash/assets/, so the app needs no CDN.
# Dash serves the assets folder by itself; the version matches dash-bootstrap-components 2.0.
set -euo pipefail
version="${1:-5.3.6}"
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
(cd "$work" && npm pack "bootstrap@$version" --silent >/dev/null && tar xzf "bootstrap-$version.tgz")
sed 's|/\*# sourceMappingURL=bootstrap.min.css.map \*/||' \
  "$work/package/dist/css/bootstrap.min.css" > activate_dash/assets/bootstrap.min.css
rm -rf "$work"
echo "activate_dash/assets/bootstrap.min.css is Bootstrap $version"
