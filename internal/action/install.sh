#!/usr/bin/env bash
# Installs salint for action.yml, outside the workspace (under $RUNNER_TEMP),
# without touching PATH:
#
#   install.sh plan     decide how, and for a build the actions/cache inputs
#                       (outputs build, cache-path, cache-key, cache-restore-key)
#   install.sh install  download the release the action's tag names and check
#                       it against checksums.txt, or build from the action's
#                       checkout (output salint: the binary's path)
#
# A release tag vX.Y.Z[-pre] is downloaded unless the runner's platform has
# no release binary; any other ref (a branch, a commit SHA, a local `uses: ./`)
# is built. A checksum that does not match is an error, never a reason to build.
#
# Environment: SALINT_ACTION_REF (github.action_ref), SALINT_VERSION (the
# version input: a release tag to download whatever the ref), RUNNER_OS, RUNNER_ARCH,
# RUNNER_TEMP, GITHUB_OUTPUT; SALINT_RELEASE_URL replaces
# https://github.com/salint/salint/releases (https, or http on loopback for tests).
set -e -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

release_re='^v([0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?)$'
sha_re='^[0-9a-f]{40}$'
hex256_re='^[0-9a-f]{64}$'
word_re='^[A-Za-z0-9]+$'

# decide sets method (release or build), version (X.Y.Z of a release tag),
# reason (why a build), exe (.exe on Windows), and for a release goos,
# goarch and ext, the archive's extension.
decide() {
  ref=${SALINT_ACTION_REF:-}
  asked=""
  if [ -n "${SALINT_VERSION:-}" ]; then
    # The version input: the release to download whatever ref the action is
    # pinned to (a commit SHA, as hardening guides advise).
    [[ $SALINT_VERSION =~ $release_re ]] ||
      fail "the version input must be a release tag such as v1.2.3, not: $SALINT_VERSION"
    ref=$SALINT_VERSION asked=1
  fi
  exe=""
  if [ "$RUNNER_OS" = Windows ]; then exe=.exe; fi
  version=""
  if [[ $ref =~ $release_re ]]; then
    version=${BASH_REMATCH[1]}
    if platform; then
      method=release
      return 0
    fi
    if [ -n "$asked" ]; then
      fail "salint $ref has no release binary for $RUNNER_OS $RUNNER_ARCH; leave the version input empty to build the action's own commit"
    fi
    method=build
    reason="salint $ref has no release binary for $RUNNER_OS $RUNNER_ARCH: building it from source."
    return 0
  fi
  method=build
  if [ -z "$ref" ]; then
    reason="A local action (uses: ./): building salint from source."
  else
    reason="$ref is not a release tag (vX.Y.Z): building salint from source. A release tag would download the release's binary instead."
  fi
}

# platform sets goos, goarch and ext for the runner, or returns 1 when the
# releases publish no binary for it.
platform() {
  case "$RUNNER_OS" in
    Linux) goos=linux ext=tar.gz ;;
    macOS) goos=darwin ext=tar.gz ;;
    Windows) goos=windows ext=zip ;;
    *) return 1 ;;
  esac
  case "$RUNNER_ARCH" in
    X64) goarch=amd64 ;;
    ARM64) goarch=arm64 ;;
    *) return 1 ;;
  esac
}

# release_base sets base, the releases URL, and proto, the protocols curl
# may use for it: https only, unless a test serves releases on loopback.
release_base() {
  local https_re='^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$'
  local loopback_re='^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$'
  base=${SALINT_RELEASE_URL:-https://github.com/salint/salint/releases}
  base=${base%/}
  if [[ $base =~ $https_re ]]; then
    proto='=https'
  elif [[ $base =~ $loopback_re ]]; then
    proto='=http,https'
  else
    fail "SALINT_RELEASE_URL must be an https URL (or http on 127.0.0.1 or localhost, for tests), not $base"
  fi
}

download() {
  curl --fail --location --proto "$proto" --proto-redir '=https' --tlsv1.2 \
    --retry 3 --connect-timeout 30 --silent --show-error --output "$2" "$1"
}

# extract takes member $2 out of archive $1 into the current directory.
extract() {
  case "$1" in
    *.tar.gz) tar -xzf "$1" "$2" ;;
    *.zip)
      if command -v unzip > /dev/null 2>&1; then
        unzip -q -o "$1" "$2"
      else
        # $1 is built from checked names only: no quote can reach the command.
        powershell -NoProfile -NonInteractive -Command "Expand-Archive -LiteralPath '$1' -DestinationPath ."
      fi
      ;;
  esac
}

install_release() {
  local asset="salint_${version}_${goos}_${goarch}.$ext" name="salint$exe"
  dir="$RUNNER_TEMP/salint-action/release-$version-$goos-$goarch"
  release_base
  local url="$base/download/$ref"
  need_sha256
  rm -rf "$dir"
  mkdir -p "$dir/download" "$dir/bin"

  echo "Downloading salint $ref: $url/$asset"
  download "$url/$asset" "$dir/download/$asset" ||
    abandon "could not download $url/$asset. Pin a published release tag, or a commit SHA to build salint from source."
  download "$url/checksums.txt" "$dir/download/checksums.txt" ||
    abandon "could not download $url/checksums.txt, so $asset cannot be checked."

  local want got
  want=$(tr -d '\r' < "$dir/download/checksums.txt" | awk -v name="$asset" 'NF == 2 && $2 == name { print $1 }')
  case "$want" in
    "") abandon "checksums.txt of salint $ref has no line for $asset: refusing to install it." ;;
    *$'\n'*) abandon "checksums.txt of salint $ref has several lines for $asset: refusing to install it." ;;
  esac
  want=$(printf '%s' "$want" | tr 'A-F' 'a-f')
  if ! [[ $want =~ $hex256_re ]]; then
    abandon "checksums.txt of salint $ref gives $asset the checksum '$want', which is not a SHA-256: refusing to install it."
  fi
  got=$(sha256 < "$dir/download/$asset")
  if [ "$got" != "$want" ]; then
    abandon "checksum mismatch for $asset of salint $ref: checksums.txt says $want, the download is $got. It was not installed, and salint is not built from source instead: check the release, or pin a commit SHA to build on purpose."
  fi
  echo "$asset: sha256 $got, as checksums.txt says"

  (cd "$dir/bin" && extract "../download/$asset" "$name") ||
    abandon "$asset has no $name at its top level."
  if [ -L "$dir/bin/$name" ] || [ ! -f "$dir/bin/$name" ]; then
    abandon "$asset has no $name file at its top level."
  fi
  chmod +x "$dir/bin/$name"
  "$dir/bin/$name" version || abandon "the $name of $asset does not run on this $RUNNER_OS $RUNNER_ARCH runner."
  set_output salint "$dir/bin/$name"
}

# abandon removes a release download that will not be installed, then fails.
abandon() {
  rm -rf "$dir"
  fail "$1"
}

# find_go sets gocmd to a go command already on the runner: the one on PATH,
# else the newest in the hosted images' tool cache (GOROOT_1_N_ARCH).
find_go() {
  gocmd=$(command -v go 2> /dev/null || true)
  if [ -n "$gocmd" ]; then return 0; fi
  local name n dir best=-1
  for name in $(env | sed -n 's/^\(GOROOT_1_[0-9][0-9]*_[A-Z0-9][A-Z0-9]*\)=.*/\1/p'); do
    n=${name#GOROOT_1_}
    n=${n%%_*}
    dir=$(printenv "$name")
    if [ "$n" -gt "$best" ] && { [ -x "$dir/bin/go" ] || [ -x "$dir/bin/go.exe" ]; }; then
      best=$n
      gocmd="$dir/bin/go"
    fi
  done
  [ -n "$gocmd" ]
}

need_go() {
  find_go || fail "no go command on this runner to build salint from source with. Pin a release tag (uses: salint/salint@vX.Y.Z) to download salint instead, or run actions/setup-go before this action."
}

# go_toolchain sets toolchain to the Go release go.mod asks for, so that
# whatever go the runner has fetches it through the module proxy.
go_toolchain() {
  local line v="" t=""
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in
      "go "*) v=${line#go } ;;
      "toolchain "*) t=${line#toolchain } ;;
    esac
  done < "$root/go.mod"
  if [ -n "$t" ]; then
    toolchain=$t
  elif [[ $v =~ ^[0-9]+\.[0-9]+$ ]]; then
    toolchain="go$v.0"
  else
    toolchain="go$v"
  fi
  if ! [[ $toolchain =~ ^go[0-9]+\.[0-9]+(\.[0-9]+|rc[0-9]+)$ ]]; then
    fail "cannot tell the Go toolchain from $root/go.mod (go '$v', toolchain '$t')"
  fi
}

# source_digest prints a digest of what `go build ./cmd/salint` reads: go.mod,
# go.sum and the package trees, Go files and the embedded rules alike, less
# tests and testdata, which no build reads.
source_digest() {
  (
    cd "$root"
    dirs=()
    for d in cmd internal pkg rules; do
      if [ -d "$d" ]; then dirs+=("$d"); fi
    done
    {
      printf '%s\n' go.mod go.sum
      find "${dirs[@]}" -type f ! -name '*_test.go' ! -path '*/testdata/*' -print | LC_ALL=C sort
    } | tr '\n' '\000' | if command -v sha256sum > /dev/null 2>&1; then
      xargs -0 sha256sum
    else
      xargs -0 shasum -a 256
    fi
  ) | sha256
}

# layout sets cache, the directory actions/cache keeps (module cache, build
# cache and the binary), key and restore_key. The key is computed here
# because hashFiles() reads only the workspace, and the action is not in it.
layout() {
  if ! [[ $RUNNER_OS =~ $word_re && $RUNNER_ARCH =~ $word_re ]]; then
    fail "unexpected RUNNER_OS '$RUNNER_OS' or RUNNER_ARCH '$RUNNER_ARCH'"
  fi
  need_sha256
  go_toolchain
  cache="$RUNNER_TEMP/salint-action/cache"
  local deps src
  deps=$(sha256 < "$root/go.sum")
  src=$(source_digest) || src=""
  if [ ${#deps} -ne 64 ] || [ ${#src} -ne 64 ]; then
    fail "could not hash the action's sources in $root"
  fi
  restore_key="salint-action-1-$RUNNER_OS-$RUNNER_ARCH-$toolchain-${deps:0:16}-"
  key="$restore_key${src:0:16}"
}

install_build() {
  notice "$reason"
  need_go
  layout
  local bin="$cache/bin/salint$exe" stamp="$cache/bin/source-key"
  if [ -f "$bin" ] && [ "$(cat "$stamp" 2> /dev/null)" = "$key" ]; then
    echo "Using the salint built from these sources before ($key)"
  else
    local ldflags="-s -w"
    if [[ $ref =~ $release_re ]]; then
      ldflags="$ldflags -X github.com/salint/salint/internal/cli.Version=$ref"
    elif [[ $ref =~ $sha_re ]]; then
      ldflags="$ldflags -X github.com/salint/salint/internal/cli.Commit=$ref"
    fi
    mkdir -p "$cache/bin"
    rm -f "$bin" "$stamp"
    echo "Building salint with $gocmd and GOTOOLCHAIN=$toolchain into $bin"
    (
      cd "$root"
      GOTOOLCHAIN=$toolchain GOMODCACHE="$cache/mod" GOCACHE="$cache/build" \
        GOFLAGS=-modcacherw GOWORK=off CGO_ENABLED=0 \
        "$gocmd" build -trimpath -ldflags "$ldflags" -o "$bin" ./cmd/salint
    ) || fail "go build of salint failed (see above)"
    printf '%s\n' "$key" > "$stamp"
  fi
  "$bin" version || fail "the salint built from source does not run"
  set_output salint "$bin"
}

plan() {
  decide
  if [ "$method" = release ]; then
    echo "salint $ref: the release binary for $goos/$goarch will be downloaded"
    set_output build false
    return 0
  fi
  echo "salint: $reason"
  need_go
  layout
  set_output build true
  set_output cache-path "$cache"
  set_output cache-key "$key"
  set_output cache-restore-key "$restore_key"
}

require RUNNER_OS RUNNER_ARCH RUNNER_TEMP GITHUB_OUTPUT
case "${1:-}" in
  plan) plan ;;
  install)
    decide
    if [ "$method" = release ]; then install_release; else install_build; fi
    ;;
  *) fail "usage: install.sh plan|install" ;;
esac
