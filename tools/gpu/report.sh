#!/usr/bin/env bash
# Here, after `tools/gpu/run.sh suite` ran (on the GPU machine, or anywhere for the CPU rows): keeps its raw
# results in docs/bench/ and turns them into a dated section of docs/BENCHMARKS.md with plots in docs/plots/.
#   tools/gpu/report.sh RESULTS_DIR "machine description" "the command that ran"
# RESULTS_DIR holds results.tsv and, with SUITE_LINKS=1, links.json (the device tool's files folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$1 machine=$2 command=$3
date=$(date -u +%F)
[[ -f benchmarks/target/benchmarks.jar ]] || mvn -B -ntp -q -DskipTests package -pl benchmarks -am
cp "$dir/results.tsv" "docs/bench/$date-suite-results.tsv"
args=(--results "docs/bench/$date-suite-results.tsv" --machine "$machine" --command "$command" --docs docs --date "$date")
if [[ -f $dir/links.json ]]; then
  cp "$dir/links.json" "docs/bench/$date-suite-links.json"
  args+=(--jmh "docs/bench/$date-suite-links.json")
fi
java -cp benchmarks/target/benchmarks.jar io.vyre.benchmarks.report.SuiteReport "${args[@]}"
