#!/usr/bin/env bash
# Installs the Debian packages blindspot needs, builds it (Release, with the Python module) in
# build/ and packages it (.deb).
# Idempotent: packages already present are not reinstalled and `apt-get update` runs at
# most once per machine boot (a stamp in /tmp), so a second call only rebuilds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
  build-essential cmake pkg-config
  libfasttext-dev fasttext            # classifier (+ CLI, the benchmark's reference)
  libsqlite3-dev                      # run store
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libfmt-dev
  libutf8proc-dev                     # Unicode case folding in text normalisation
  libssl-dev                          # SHA-256 content hashes, HTTPS
  libcpp-httplib-dev                  # HTTP client (LLM endpoints) and server (web app, test server)
  libgtest-dev libgmock-dev libbenchmark-dev
  hyperfine
  wordnet-base                        # WordNet 3.0 database files for the synonym attack
  chromium                            # headless render test of the HTML report (~440 MB, ~20 s to install)
  libpng-dev                          # decodes that test's screenshot
  libxml2-utils                       # xmllint: the HTML report parses as well-formed XML (test)
  python3-sklearn python3-torch       # the example model adapters (examples/adapters/) and their tests
  clang-14 libclang-rt-14-dev         # the sanitizer builds and the libFuzzer targets (scripts/sanitize.sh, fuzz/)
  pybind11-dev python3-dev            # the Python module (python/, -DBLINDSPOT_PYTHON=ON)
  python3-pandas                      # its DataFrame results (tests; the module works without pandas)
  dpkg-dev                            # dpkg-shlibdeps: the .deb's dependencies (cpack -G DEB)
)

# node and npm drive Chromium in the web app's browser test (tests/web/e2e, playwright-core pinned
# to a version that supports Debian 12's nodejs 18). A node already on the machine (e.g. a
# nodesource build, which bundles npm) is kept: the Debian packages would conflict with it.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  stamp=/tmp/.blindspot-apt-updated
  if [ ! -e "$stamp" ]; then
    $sudo apt-get update -q
    touch "$stamp"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD_TYPE=${BLINDSPOT_BUILD_TYPE:-Release}
# -DBLINDSPOT_PYTHON=ON: the Python module (docs/python.md), packaged in the .deb with the binary.
# -DBLINDSPOT_UNITY_BUILD=ON: sources compiled in batches (cmake/unity_build.cmake), a third less
# time for this clean build.
cmake -S . -B build -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DBLINDSPOT_WARNINGS_AS_ERRORS=ON -DBLINDSPOT_PYTHON=ON \
  -DBLINDSPOT_UNITY_BUILD=ON >/dev/null
cmake --build build -j"$(nproc)"

# The Debian package (docs/install.md), timed: CI pays for this step on every run.
package_start=$EPOCHREALTIME
if ! cpack_log=$(cd build && cpack -G DEB 2>&1); then
  printf '%s\n' "$cpack_log" >&2
  exit 1
fi
awk -v start="$package_start" -v end="$EPOCHREALTIME" -v deb="$(cd build && ls blindspot_*.deb)" \
  'BEGIN { printf "setup: packaged build/%s in %.1f s\n", deb, end - start }'

# The browser test's node packages, from the committed lock file; again only when missing or
# older than the lock file (npm ci writes node_modules/.package-lock.json).
e2e=tests/web/e2e
if [ ! -d "$e2e/node_modules/playwright-core" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
  (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
