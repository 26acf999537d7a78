#!/usr/bin/env bash
# Runs the benchmarks: builds in Release, then measures caseStatistics over 1,000,000 synthetic case records
# through a started server. Usage: bench/run.sh [CASES] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build PartnerGraph.sln -c Release -nologo -clp:ErrorsOnly
dotnet bench/PartnerGraph.Bench/bin/Release/net10.0/PartnerGraph.Bench.dll "${1:-1000000}" "${2:-200}"
