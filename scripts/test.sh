#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need if it is missing, builds, runs the xunit
# suites, then runs our scenarios through the `sluice` CLI as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# kcat: a test produces to the embedded broker with it, as the README tells users to.
if ! command -v kcat >/dev/null 2>&1; then
  echo "Installing kcat (Debian package) for the kcat test..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq kcat >/dev/null
fi

# redis-server: the cluster tests (tests/Cluster.Tests) start their own on a free port.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing redis-server (Debian package) for the cluster tests..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
fi

# chromium: the browser tests (tests/Browser.Tests) drive the streaming UI with headless Chromium.
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing chromium (Debian package) for the browser tests..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi

# Azurite: the blob checkpoint store's tests and the Azure Storage cluster tests (blob and table services) run against
# it (installed with npm into ~/.cache if missing).
SLUICE_AZURITE="$(./scripts/azurite.sh)"
export SLUICE_AZURITE

# s3rver: the S3 tests (checkpoints, files source, file stores on s3://) run against it (npm, into ~/.cache if missing).
SLUICE_S3RVER="$(./scripts/s3rver.sh)"
export SLUICE_S3RVER

dotnet build Orleans.sln -c Release -warnaserror
# One test assembly at a time: several start silos and silo processes, and this machine has two cores.
dotnet test Orleans.sln -c Release --no-build -m:1 --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=3000000

echo "== bench workloads --quick (a smoke test: every way must compute the same results; no speed assertions)"
dotnet run -c Release --no-build --project bench -- workloads --quick
echo "== bench nexmark --quick (agreement with plain C# only; queries the planner refuses are listed as not runnable)"
dotnet run -c Release --no-build --project bench -- nexmark --quick

echo "== sluice scenario run tests/scenarios"
dotnet src/Cli/bin/Release/net10.0/sluice.dll scenario run tests/scenarios
