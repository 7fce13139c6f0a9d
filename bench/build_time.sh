#!/usr/bin/env bash
# Clean-build time of blindspot (the Release build of scripts/setup.sh: product and tests), for
# each revision given: wall time and CPU time (user + sys of every compiler and linker), JOBS jobs
# (default 2), no ccache. Each revision is exported with `git archive` into a temporary folder
# (the working tree's edits and the other build folders do not count) and built with its own
# default options. CPU time is the fair figure on a shared machine: wall time grows with the load
# of other processes, CPU time hardly does.
# Usage: bench/build_time.sh [REV]...   (default: 468563c HEAD, before and after issue 11's build changes)
#   BLINDSPOT_PRECOMPILED_HEADERS=ON bench/build_time.sh HEAD   the same tree with precompiled headers
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=${JOBS:-2}
[ $# -gt 0 ] || set -- 468563c HEAD
options=()
[ -z "${BLINDSPOT_PRECOMPILED_HEADERS:-}" ] || options+=(-DBLINDSPOT_PRECOMPILED_HEADERS="$BLINDSPOT_PRECOMPILED_HEADERS")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CCACHE_DISABLE=1
unset CMAKE_CXX_COMPILER_LAUNCHER
for rev in "$@"; do
  src="$work/$rev/src"
  mkdir -p "$src"
  git archive "$rev" | tar -x -C "$src"
  cmake -S "$src" -B "$work/$rev/build" -DCMAKE_BUILD_TYPE=Release -DBLINDSPOT_WARNINGS_AS_ERRORS=ON \
    -DBLINDSPOT_SHARED_DATA_DIR="$PWD/../shared/data" "${options[@]}" >/dev/null
  /usr/bin/time -f "%e %U %S" -o "$work/$rev/time" cmake --build "$work/$rev/build" -j"$jobs" >"$work/$rev/log" 2>&1 ||
    { tail -20 "$work/$rev/log"; exit 1; }
  read -r wall user sys <"$work/$rev/time"
  awk -v rev="$rev" -v w="$wall" -v u="$user" -v s="$sys" -v j="$jobs" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    'BEGIN { printf "%s: clean build -j%d: wall %.0f s (%.1f min), CPU %.0f s (%.1f min; user %.0f, sys %.0f); load after: %s\n",
             rev, j, w, w / 60, u + s, (u + s) / 60, u, s, load }'
  rm -rf "$work/$rev"
done
