#!/usr/bin/env bash
# Where the CPU of a benchmark phase goes: runs the benchmark with the runtime's perf map on, samples the whole
# process with `perf` for a few seconds once a given log line appears, and splits the samples by component
# (scripts/perf-breakdown.py). Installs perf and python3 with apt when they are missing.
#
#   scripts/profile-cpu.sh [benchmark options]     default: --scenario rest --deposits 20000 --rate-seconds 5
#
# Environment (all optional):
#   PROFILE_AFTER     the benchmark log line that starts the sampling   default "REST lean client" (lean client's max)
#   PROFILE_SECONDS   how long to sample                                default 6
#   PROFILE_OUT       folder for perf.data, the log and the breakdown   default benchmark-results/profile-<time>
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
after="${PROFILE_AFTER:-REST lean client}"
seconds="${PROFILE_SECONDS:-6}"
out="${PROFILE_OUT:-$repo/benchmark-results/profile-$(date +%Y%m%d-%H%M%S)}"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--scenario rest --deposits 20000 --rate-seconds 5)

need=()
command -v perf >/dev/null || need+=(linux-perf)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi

mkdir -p "$out"
dotnet build -c Release "$repo/src/BankAccounts.Benchmarks" -v q -nologo >/dev/null
# The perf map names JIT-compiled methods; W^X off lets perf see the code where it runs.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
  dotnet "$repo/src/BankAccounts.Benchmarks/bin/Release/net10.0/BankAccounts.Benchmarks.dll" "${args[@]}" --out "$out" >"$out/benchmark.log" 2>&1 &
pid=$!
until grep -qF "$after" "$out/benchmark.log"; do
  kill -0 "$pid" 2>/dev/null || { echo "profile-cpu.sh: the benchmark ended before \"$after\"" >&2; exit 1; }
  sleep 0.2
done
perf record -F 999 -g -p "$pid" -o "$out/perf.data" -- sleep "$seconds" 2>/dev/null
wait "$pid"
perf script -i "$out/perf.data" 2>/dev/null >"$out/perf.script"
python3 "$repo/scripts/perf-breakdown.py" "$out/perf.script" | tee "$out/breakdown.txt"
grep -E '^\| ' "$out/benchmark.log" | grep -E 'max,' || true
