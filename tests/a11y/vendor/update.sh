#!/usr/bin/env bash
# Vendor axe-core for the accessibility tests (tests only: the portal never serves it), pinned and
# checked, from the npm registry. Run by hand when bumping the version; the result is committed.
set -euo pipefail
cd "$(dirname "$0")"
AXE_VERSION=4.14.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@${AXE_VERSION}" >/dev/null && tar -xzf "axe-core-${AXE_VERSION}.tgz")
cp "$work/package/axe.min.js" axe.min.js
cp "$work/package/LICENSE" LICENSE
echo "axe-core ${AXE_VERSION}" > VERSIONS
sha256sum axe.min.js > SHA256SUMS
echo "vendored: axe-core ${AXE_VERSION}"
