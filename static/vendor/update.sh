#!/usr/bin/env bash
# Re-vendor the front-end assets from the npm registry at pinned versions, with integrity checks.
# Run by hand when bumping a version (`make vendor`); the results are committed, so running the
# portal never needs the network and no page loads anything from a CDN.
set -euo pipefail
cd "$(dirname "$0")"

HTMX_VERSION=2.0.11
CHARTJS_VERSION=4.6.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION -> unpacks to $work/NAME
  local name=$1 version=$2
  (cd "$work" && npm pack --silent "${name}@${version}" >/dev/null)
  mkdir -p "$work/$name"
  tar -xzf "$work"/"${name//\//-}"-"${version}".tgz -C "$work/$name"
}

fetch htmx.org "$HTMX_VERSION"
mkdir -p htmx
sed '/^\/\/# sourceMappingURL=/d' "$work/htmx.org/package/dist/htmx.min.js" > htmx/htmx.min.js
cp "$work/htmx.org/package/LICENSE" htmx/LICENSE

fetch chart.js "$CHARTJS_VERSION"
mkdir -p chartjs
# The source map is not vendored: drop its reference, or the manifest storage's collectstatic fails.
sed '/^\/\/# sourceMappingURL=/d' "$work/chart.js/package/dist/chart.umd.min.js" > chartjs/chart.umd.min.js
cp "$work/chart.js/package/LICENSE.md" chartjs/LICENSE.md

cat > VERSIONS <<VERSIONS
htmx.org ${HTMX_VERSION}
chart.js ${CHARTJS_VERSION}
VERSIONS
sha256sum htmx/htmx.min.js chartjs/chart.umd.min.js > SHA256SUMS
echo "vendored: htmx ${HTMX_VERSION}, Chart.js ${CHARTJS_VERSION}"
