#!/usr/bin/env bash
# Runs every test suite of PartnerGraph on a fresh machine and ends with one line: "N passed, N failed".
# Steps: what the tests start or drive, installed when missing (redis-server, Debian's Chromium), the Node.js clients
# the tests drive (npm ci: graphql-http's audit, graphql-ws, graphql-sse, playwright-core), a Release build, the style
# check, the xunit suite (which starts real servers and runs graphql-http's audit), and the snapshot checks.
# A passing run is quiet: each step's output is kept in artifacts/test-results/ and shown only when the step fails,
# and a test's server logs are shown only under a test that fails.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

passed=0
failed=0
skipped=0
check() { # name, command...: one check that counts as one test
  local name=$1
  shift
  if "$@"; then
    echo "check passed: $name"
    passed=$((passed + 1))
  else
    echo "check FAILED: $name"
    failed=$((failed + 1))
  fi
}

finish() {
  # The last line stays "N passed, N failed" (what CI reads); skipped tests are said on the line before.
  [ "$skipped" -eq 0 ] || echo "$skipped skipped (not counted as passed)"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# What the tests start or drive themselves: redis-server (two instances sharing subscription events) and Debian's
# Chromium for the browser test (playwright-core never downloads one).
install_packages() { # apt package names...
  local run=()
  [ "$(id -u)" -eq 0 ] || run=(sudo)
  "${run[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq "$@"
}
quietly() { # log name, command...: runs the command with its output kept in a file, shown only when it fails
  local log="$results/$1.log"
  shift
  "$@" >"$log" 2>&1 || { cat "$log"; return 1; }
}
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ] && ! quietly apt-get install_packages "${missing[@]}"; then
  echo "could not install ${missing[*]}"
  failed=$((failed + 1))
  finish
fi

for folder in tests/audit tests/browser; do
  if ! quietly "npm-ci-${folder//\//-}" npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error; then
    echo "npm ci failed in $folder"
    failed=$((failed + 1))
    finish
  fi
done

if ! quietly build dotnet build PartnerGraph.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  failed=$((failed + 1))
  finish
fi

check "dotnet format --verify-no-changes" quietly format dotnet format PartnerGraph.sln --verify-no-changes --no-restore

# A missing snapshot must fail here, not be written and passed (Snapshooter's strict mode).
export SNAPSHOOTER_STRICT_MODE=true
tests_exit=0
# Minimal verbosity: a failed test is printed with its message and what its servers printed; a passed one is not.
dotnet test PartnerGraph.sln -c Release --no-build -nologo \
  --logger "trx;LogFileName=xunit.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" || tests_exit=$?

trx="$results/xunit.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(value total)
  xpassed=$(value passed)
  # Skipped tests (the live SQL Server suite without PARTNERGRAPH_TEST_SQLSERVER) are counted apart, never as passed.
  xexecuted=$(value executed)
  xskipped=$((${total:-0} - ${xexecuted:-0}))
  passed=$((passed + ${xpassed:-0}))
  skipped=$((skipped + ${xskipped:-0}))
  failed=$((failed + ${total:-0} - ${xpassed:-0} - ${xskipped:-0}))
  if [ "$tests_exit" -ne 0 ] && [ "${total:-0}" -eq "$((${xpassed:-0} + ${xskipped:-0}))" ]; then
    # Every test that ran passed, yet dotnet test failed: the run was cut short (a crashed test host).
    echo "dotnet test exited with $tests_exit although no test failed: the run did not finish"
    failed=$((failed + 1))
  fi
else
  echo "no test results were written"
  failed=$((failed + 1))
fi

no_mismatch() { [ -z "$(find tests -type d -name __mismatch__ -not -path '*/node_modules/*')" ]; }
snapshots_committed() {
  git rev-parse --git-dir >/dev/null 2>&1 || return 0
  [ -z "$(git ls-files --others --exclude-standard -- '*.snap')" ]
}
check "no snapshot mismatch left (__mismatch__)" no_mismatch
check "every snapshot is committed" snapshots_committed

finish
