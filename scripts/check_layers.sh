#!/usr/bin/env bash
# Fails if a module includes a module to its right in the dependency order
# (docs/architecture.md): core -> store -> llm -> data -> model -> discover -> group -> teach -> augment -> eval -> report
# -> loop -> web.
set -euo pipefail
root=${1:-$(dirname "$0")/..}
order=(core store llm data model discover group teach augment eval report loop web)
status=0
for ((i = 0; i < ${#order[@]}; i++)); do
  module=${order[$i]}
  forbidden=("${order[@]:$((i + 1))}")
  [ ${#forbidden[@]} -gt 0 ] || continue
  pattern=$(IFS='|'; echo "${forbidden[*]}")
  for dir in "$root/include/blindspot/$module" "$root/src/$module"; do
    [ -d "$dir" ] || continue
    if hits=$(grep -rnE "#include \"blindspot/($pattern)/" "$dir"); then
      echo "layer violation: $module must not include ${forbidden[*]}:" >&2
      echo "$hits" >&2
      status=1
    fi
  done
done
[ $status -eq 0 ] && echo "layers ok: ${order[*]}"
exit $status
