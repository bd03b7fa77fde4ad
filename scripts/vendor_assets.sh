#!/usr/bin/env bash
# Refreshes static/vendor/ from the npm registry at the versions pinned in package.json / package-lock.json.
# The vendored files are committed, so running the platform needs neither Node.js nor the internet.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent
mkdir -p static/vendor
cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js
cp node_modules/chart.js/LICENSE.md static/vendor/chart.js.LICENSE.md
echo "chart.js $(node -p "require('./node_modules/chart.js/package.json').version")" > static/vendor/VERSIONS.txt
echo "vendored: $(cat static/vendor/VERSIONS.txt)"
