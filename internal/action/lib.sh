# Helpers shared by install.sh and run.sh, sourced, never run.
# Written for bash 3.2 (macOS) as well as 4 and 5 (Linux, Git for Windows):
# no mapfile, no associative arrays, no ${x,,}, no empty "${a[@]}" under set -u.

# escape_command encodes a workflow command's message, so that a value read
# from an input cannot end the line and start a command of its own.
escape_command() {
  local s=$1
  s=${s//\%/%25}
  s=${s//$'\r'/%0D}
  s=${s//$'\n'/%0A}
  printf '%s' "$s"
}

notice() { printf '::notice title=salint::%s\n' "$(escape_command "$*")"; }
warning() { printf '::warning title=salint::%s\n' "$(escape_command "$*")"; }

# fail reports an error for the step and exits with status 2 or the one given.
fail() {
  printf '::error title=salint::%s\n' "$(escape_command "$1")"
  exit "${2:-2}"
}

# require fails unless each named variable is set and not empty.
require() {
  local name
  for name in "$@"; do
    if [ -z "$(printenv "$name")" ]; then
      fail "$name is not set: the action's scripts run as steps of action.yml"
    fi
  done
}

# set_output appends name=value to the step's outputs. A value holding a
# newline could forge another output, so it is refused.
set_output() {
  case "$2" in
    *$'\n'* | *$'\r'*) fail "the $1 output would hold a line break" ;;
  esac
  printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
}

# need_sha256 fails unless sha256 below has a tool to run; it runs outside
# $(...), where a failure would only end the subshell.
need_sha256() {
  command -v sha256sum > /dev/null 2>&1 || command -v shasum > /dev/null 2>&1 ||
    fail "neither sha256sum nor shasum is installed"
}

# sha256 prints the hex SHA-256 of its standard input. Reading stdin keeps
# GNU sha256sum from escaping a Windows file name (and its digest) with "\".
sha256() {
  local sum
  if command -v sha256sum > /dev/null 2>&1; then
    sum=$(sha256sum)
  else
    sum=$(shasum -a 256)
  fi
  printf '%s\n' "${sum%% *}"
}
