#!/usr/bin/env bash
# Runs every benchmark (or one: statistics, referrals, subscriptions, floor, import, webhooks) against the real server in Release and writes
# bench/results-<which>.md with the machine's description. Sizes: see bench/README.md. Usage: bench/run.sh [which]
set -euo pipefail
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # the subscription curve's 5,000 WebSocket connections in the load generator
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is needed for the subscription benchmark (apt-get install redis-server)"; exit 1; }
dotnet build PartnerGraph.sln -c Release -nologo -clp:ErrorsOnly
# The load generator reads 100,000 WebSocket messages a second on the servers' cores. Its socket completions run on the
# socket engine's threads rather than queueing to its thread pool, and its first generation is 512 MB, so that it does
# not stop to collect garbage while it stamps arrivals (it did, 0.6-1.6 s per run). The servers it starts run without these.
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_GCgen0size=0x20000000 dotnet bench/PartnerGraph.Bench/bin/Release/net10.0/PartnerGraph.Bench.dll "${1:-all}"
