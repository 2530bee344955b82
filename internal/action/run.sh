#!/usr/bin/env bash
# Runs salint once for action.yml: the report the inputs ask for, and beside
# it a JSON report under $RUNNER_TEMP that the findings output is read from.
# Sets the outputs report and findings, then exits as salint did.
#
# Environment: SALINT (the binary), SALINT_PATH (paths, one per line),
# SALINT_FORMAT, SALINT_OUTPUT, SALINT_FAIL_ON, SALINT_CONFIG, SALINT_ARGS
# (extra flags, split on whitespace, newlines included, never globbed),
# RUNNER_TEMP, GITHUB_OUTPUT.
set -e -f -o pipefail # -f: nothing from an input is ever globbed

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

require SALINT RUNNER_TEMP GITHUB_OUTPUT

format=${SALINT_FORMAT:-sarif}
# A name only: "=FILE" is how salint is told where a report goes, so an
# "=" here would send the report somewhere the output input does not say.
if ! [[ $format =~ ^[a-z]+$ ]]; then
  fail "format '$format' is not a format name (sarif, github, text, compact or json)"
fi
report=${SALINT_OUTPUT:-}
if [ -z "$report" ] && [ "$format" = sarif ]; then report=salint.sarif; fi
case "$report" in
  *$'\n'* | *$'\r'*) fail "output '$report' holds a line break" ;;
esac

flags=()
if [ -n "$SALINT_FAIL_ON" ]; then flags+=(--fail-on "$SALINT_FAIL_ON"); fi
if [ -n "$SALINT_CONFIG" ]; then flags+=(--config "$SALINT_CONFIG"); fi
# read -a splits on IFS and never globs; -d '' reads past newlines, so
# every line of a multi-line args input counts.
extra=()
IFS=$' \t\r\n' read -r -d '' -a extra <<< "${SALINT_ARGS:-}" || true
flags+=(${extra[@]+"${extra[@]}"})

flags+=(--format "$format")
if [ -n "$report" ]; then flags+=(--output "$report"); fi
count="$RUNNER_TEMP/salint-count.json"
rm -f "$count"
flags+=(--format "json=$count")

paths=()
while IFS= read -r line || [ -n "$line" ]; do
  # Blank lines and the blanks around a path are the YAML's, not the path's.
  line=${line#"${line%%[![:space:]]*}"}
  line=${line%"${line##*[![:space:]]}"}
  if [ -n "$line" ]; then paths+=("$line"); fi
done <<< "${SALINT_PATH:-}"
if [ ${#paths[@]} -eq 0 ]; then paths=(.); fi

status=0
"$SALINT" "${flags[@]}" -- "${paths[@]}" || status=$?

# The summary is pretty-printed first, its "findings" four spaces in; the
# findings array is two spaces in, so only the count matches.
findings=$(sed -n 's/^    "findings": \([0-9][0-9]*\),[[:space:]]*$/\1/p' "$count" 2> /dev/null | head -n 1) || findings=""

set_output report "$report"
set_output findings "$findings"
exit "$status"
