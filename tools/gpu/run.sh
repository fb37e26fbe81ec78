#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, with what tools/gpu/stage.sh staged.
#   tools/gpu/run.sh unpack N [MODE...]  collects the carried part (.gpu/carry-NN) into /opt/vf; once all N
#                                        parts are there, unpacks them; then runs the MODEs, if any
#   tools/gpu/run.sh MODE...             smoke | contract | suites | tests | bench | jobs | suite | choice | scanbench
#                                        | rttbench | ringtrace | fuzz | itcases, logs under $OUT
# itcases (staged with WITH_ITCASES=1): the connector's job-level reliability ITCases with their sources on the CUDA
#       megakernel (MiniCluster): ITCASES lists the classes (IoFaultFailoverITCase SoakITCase by default),
#       SOAK_SECONDS / SOAK_PARALLELISM / SOAK_CHECKPOINT_MS size the soak (60 s, 8 tenants, 10 s); ITCASES_BACKEND=cpu
#       tries the staged classpath on a machine without a GPU
# jobs: JOB_RUNS lists BACKEND:PARALLELISM runs (cpu, cuda, auto; PARALLELISM 'default' lets scan choose;
#       vectorscan:N is the CPU baseline: Vectorscan itself on N threads); JOB_JAVA_OPTS go to the scan JVMs
#       (@RUN@ in them names the run, e.g. for a flight recording's file); JOB_ARGS go to scan itself (--lanes 8);
#       JOB_PATTERNS picks which of the generated PATTERN_COUNTS the runs use
# PATTERN_COUNTS (jobs, variants, suite) lists generate's patterns files: N (the demo's indicators, then random
#       decoys), feed-N (the indicators, then a threat-intelligence feed's IP addresses, domains, URLs, hashes) or
#       dense-N (the indicators, six words most log lines carry, then decoys: about one occurrence per 100 bytes)
# variants: the jobs mode once per variant of VARIANTS, entries separated by ';', each NAME|JOB_RUNS|JOB_ARGS|JOB_JAVA_OPTS
#       (e.g. 'inline|cuda:1 cuda:4|--warmup-runs 1|-Dvyre.io.read-piece-bytes=0;pieces|cuda:1 cuda:4|--warmup-runs 1|');
#       every variant's job logs and the summary (variants.txt: rates, steady rates, round trips, pump reads) come
#       back as one archive, variants.tar.gz (a call returns at most eight files)
# suite: every engine on the same files, one results row each into $OUT/results.tsv (tools/gpu/report.sh turns
#       them into a section of docs/BENCHMARKS.md with plots): SUITE_RUNS lists ENGINE:PARALLELISM runs, where
#       ENGINE is read (page cache read bandwidth), vectorscan (called directly), peer-vectorscan and
#       peer-ahocorasick (Flink FileSource + FileSink jobs), cpu, cuda, auto (the scan job); SUITE_CASES
#       'exact ignore'; SUITE_LINKS=1 adds JMH's cuMemcpyHtoD and DtoD of 256 MiB
# Every step runs under a timeout: a hung persistent kernel must not hold the machine.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=${VF_ROOT:-/opt/vf}
out=${OUT:-/tmp/vf-out}
mkdir -p "$out"
java="$root/jre/bin/java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"

unpack() {
  local total=$1
  mkdir -p "$root/parts"
  if [[ $total == 1 ]]; then rm -f "$root"/parts/part.*; fi
  cp .gpu/carry-*/part.* "$root/parts/" 2>/dev/null || true
  local have
  have=$(ls "$root/parts" | wc -l)
  if [[ $have -lt $total ]]; then
    echo "have $have of $total parts"
    return 0
  fi
  local sum
  sum=$(cat "$root"/parts/part.* | md5sum | cut -d' ' -f1)
  if [[ $sum != "$(cat "$root/unpacked" 2>/dev/null)" ]]; then
    rm -rf "$root/jre" "$root/lib" "$root/jobs" "$root/itcases"
    cat "$root"/parts/part.* | tar -xzf - -C "$root" && echo "$sum" > "$root/unpacked" && echo "unpacked $total parts into $root"
  fi
}

junit() {
  local name=$1 limit=$2
  shift 2
  local selectors=()
  for c in "$@"; do selectors+=(--select-class "$c"); done
  (cd gpu-runtime && timeout "$limit" $java ${JUNIT_JAVA_OPTS:-} -jar "$root/junit-console.jar" execute --disable-banner \
    --details=summary --details-theme=ascii --reports-dir "$out/junit-$name" \
    -cp "$root/lib/gpu-runtime-tests.jar:$root/lib/benchmarks.jar:$(ls $root/lib/assertj-core-*.jar):$(ls $root/lib/byte-buddy-*.jar):$(ls $root/lib/jqwik-*.jar | tr '\n' ':')" \
    "${selectors[@]}") > "$out/$name.log" 2>&1
  local rc=$?
  echo "$name: exit $rc"; grep -E "tests (successful|failed|found|skipped)" "$out/$name.log" | tr -s ' ' | head -5
  grep -E "✘|MethodSource|=> " "$out/$name.log" | head -30
  return $rc
}

itcases() {
  local selectors=() c
  # on the JVM's class path, not the launcher's -cp: Flink's user-code class loader has the application class
  # loader as its parent, and a job graph of classes only the launcher's loader sees does not deserialize
  for c in ${ITCASES:-IoFaultFailoverITCase SoakITCase}; do selectors+=(--select-class "io.vyre.flink.$c"); done
  (cd connector && timeout "${ITCASES_LIMIT:-560}" $java -Dvyre.test.backend="${ITCASES_BACKEND:-cuda}" \
    -Dvyre.soak.seconds="${SOAK_SECONDS:-60}" -Dvyre.soak.parallelism="${SOAK_PARALLELISM:-8}" \
    -Dvyre.soak.checkpoint-ms="${SOAK_CHECKPOINT_MS:-10000}" \
    -cp "$root/junit-console.jar:$(ls "$root"/itcases/*.jar | paste -sd:)" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree --details-theme=ascii \
    --reports-dir "$out/junit-itcases" "${selectors[@]}") > "$out/itcases.log" 2>&1
  local rc=$?
  echo "itcases: exit $rc"; grep -E "tests (successful|failed|found|skipped)|soak:|✘|\[X\]" "$out/itcases.log" | head -30
  return $rc
}

smoke() {
  junit smoke 90 io.vyre.runtime.backend.cuda.CudaLaunchAndCloseTest
}

contract() {
  junit contract "${CONTRACT_LIMIT:-300}" io.vyre.runtime.backend.cuda.CudaMegakernelContractTest \
    io.vyre.runtime.backend.cuda.CudaTenantContractTest
}

suites() {
  junit suites "${SUITES_LIMIT:-300}" io.vyre.runtime.backend.cuda.CudaDifferentialTest \
    io.vyre.runtime.backend.cuda.CudaLifecycleTest io.vyre.runtime.backend.cuda.CudaSharedDeviceTest \
    io.vyre.runtime.backend.cuda.CudaMultiDeviceTest \
    io.vyre.runtime.backend.cuda.VyreProtocolHeaderTest io.vyre.runtime.backend.cuda.PtxFreshnessTest
}

bench() {
  timeout "${BENCH_LIMIT:-540}" $java -jar "$root/lib/benchmarks.jar" -rf json -rff "$out/jmh-cuda.json" \
    ${BENCH_ARGS:-'Cuda.*'} > "$out/bench.log" 2>&1
  echo "bench: exit $?"; grep -E "^Cuda|^Benchmark" "$out/bench.log" | tail -20
}

fuzz() {
  # hostile work-ring slots into the CUDA megakernel (CudaHostileInputFuzzTest): FUZZ_TRIES cases
  JUNIT_JAVA_OPTS="-Djqwik.tries.default=${FUZZ_TRIES:-100000}" junit fuzz "${FUZZ_LIMIT:-500}" \
    io.vyre.runtime.backend.cuda.CudaHostileInputFuzzTest
  grep -E "hostile slots" "$out/fuzz.log"
}

scanbench() {
  # the MATCH scan alone from device memory (tools/gpu/scan-bench): SCAN_PATTERNS pattern counts, SCAN_STREAMS
  # automata per thread; SCAN_NCU=1 adds Nsight Compute's warp stall reasons for the first streams value at the
  # first pattern count
  local tables=/tmp/vf-scan-tables counts=${SCAN_PATTERNS:-1000 10000 100000} log="$out/scanbench.log"
  mkdir -p "$tables"
  timeout 300 $java -Xmx12g -cp "$root/lib/benchmarks.jar" io.vyre.benchmarks.ScanTablesDump "$tables" $counts \
    > "$log" 2>&1 || { echo "scanbench: dump failed"; tail -5 "$log"; return 1; }
  for s in ${SCAN_STREAMS:-4}; do
    timeout 120 nvcc -arch=sm_90 -O3 -DSTREAMS="$s" -Xptxas -v -o "/tmp/scan_bench_$s" tools/gpu/scan-bench/scan_bench.cu \
      >> "$log" 2>&1 || { echo "scanbench: nvcc failed"; tail -5 "$log"; return 1; }
    for n in $counts; do timeout 120 "/tmp/scan_bench_$s" "$tables" "$n" "${SCAN_REPEATS:-5}" >> "$log" 2>&1; done
  done
  grep -E "GB/s|patterns:|MISMATCH" "$log"
  if [[ ${SCAN_NCU:-0} == 1 ]]; then
    local streams=${SCAN_STREAMS:-4} s n=${counts%% *}
    s=${streams%% *}
    timeout 200 ncu -k bench_scan -c 2 --section SpeedOfLight --section SchedulerStats --section WarpStateStats \
      --section MemoryWorkloadAnalysis_Tables --section InstructionStats \
      --metrics regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio \
      "/tmp/scan_bench_${s:-4}" "$tables" "${n:-1000}" 1 > "$out/scanbench-ncu.txt" 2>&1
    echo "scanbench ncu: exit $? ($out/scanbench-ncu.txt)"
  fi
}

rttbench() {
  # what a ring round trip is made of (tools/gpu/rtt-bench): the link's floor, each step the ring warp adds
  timeout 120 nvcc -arch=sm_90 -O3 -o /tmp/rtt_bench tools/gpu/rtt-bench/rtt_bench.cu > "$out/rttbench.log" 2>&1 \
    || { echo "rttbench: nvcc failed"; tail -5 "$out/rttbench.log"; return 1; }
  timeout 120 /tmp/rtt_bench "${RTT_TRIPS:-100000}" >> "$out/rttbench.log" 2>&1
  echo "rttbench: exit $?"; cat "$out/rttbench.log"
}

ringtrace() {
  # where a ring round trip goes inside the ring warp: the megakernel built with -DVYRE_TRACE (and each of
  # TRACE_VARIANTS, quoted nvcc flags separated by ';', e.g. '-DPOLL_SLOTS_MIN=1'), first on the classpath;
  # TRACE_BLOCKS lists the GPU block counts of the traced runs
  echo "plain kernel:" > "$out/ringtrace.log"
  timeout 120 $java -cp "$root/lib/benchmarks.jar" io.vyre.benchmarks.RingTrace "${RTT_TRIPS:-200000}" 2>&1 \
    | grep -v "^\[" >> "$out/ringtrace.log"
  local variants flags i=0
  IFS=';' read -ra variants <<< "${TRACE_VARIANTS:-}"
  for flags in "" "${variants[@]}"; do
    local dir=/tmp/vf-trace-$i/io/vyre/runtime/backend/cuda
    mkdir -p "$dir"
    (cd gpu-runtime/src/main/cuda && timeout 120 nvcc -arch=compute_90 -ptx -DVYRE_TRACE $flags -o "$dir/megakernel.ptx" \
      megakernel.cu) >> "$out/ringtrace.log" 2>&1 || { echo "ringtrace: nvcc $flags failed"; tail -5 "$out/ringtrace.log"; return 1; }
    for blocks in ${TRACE_BLOCKS:-default}; do  # GPU blocks of the traced kernel's runs ('default': the runtime's)
      echo "traced kernel $flags:" >> "$out/ringtrace.log"
      [[ $blocks == default ]] && blocks=
      timeout 120 $java -cp "/tmp/vf-trace-$i:$root/lib/benchmarks.jar" io.vyre.benchmarks.RingTrace \
        "${RTT_TRIPS:-200000}" $blocks 2>&1 | grep -v "^\[" >> "$out/ringtrace.log"
    done
    i=$((i + 1))
  done
  echo "ringtrace: done"; grep -vE "INFO|WARN" "$out/ringtrace.log"
}

choice() {
  # backend=auto on this machine: both engines measured for 10, 1,000 and 10,000 patterns
  junit choice "${CHOICE_LIMIT:-240}" io.vyre.runtime.backend.cuda.CudaEngineChoiceTest
  grep -h "backend=auto" "$out/choice.log" | grep -v "^\[" | head -10
}

# generated logs and patterns files (seeded: the same arguments always write the same bytes), in the page cache
ensure_data() {
  local data=$1 mb=$2 counts=$3
  if [[ $(cat "$data/generated" 2>/dev/null) != "$mb ${counts// /,}" ]]; then
    rm -rf "$data"
    timeout 300 $java -cp "$root/jobs/*" io.vyre.flink.jobs.VyreJobs generate --output "$data" --megabytes "$mb" \
      --patterns "${counts// /,}" > "$out/generate.log" 2>&1 && echo "$mb ${counts// /,}" > "$data/generated"
    head -1 "$out/generate.log"
  fi
  cat "$data"/logs/* > /dev/null
}

# the part files' occurrences as (file name, offset, pattern id), sorted and hashed: identical across engines. Each part
# file is cut and sorted on its own core, then they are merged: tens of millions of occurrences (dense matches) take
# seconds, not the minutes one awk and one sort took. Bytewise order (LC_ALL=C), whatever the machine's locale.
digest() {
  local sorted
  sorted=$(mktemp -d)
  find "$1" -type f ! -name '.*' -print0 | xargs -0 -r -P "$(nproc)" -n 1 sh -c \
    'awk -F"\t" "{n = split(\$1, p, \"/\"); print p[n] \"\t\" \$2 \"\t\" \$3}" "$1" | LC_ALL=C sort -S 1G \
      > "$(mktemp -p "$0" part.XXXXXX)"' "$sorted"
  # hashed: the occurrences, then the line "occurrences: N" (wc ends after tee has passed the last occurrence on), as
  # every digest in docs/bench was made; the count also goes to the log
  find "$sorted" -name 'part.*' -print0 | xargs -0 -r env LC_ALL=C sort -m \
    | tee >(wc -l | sed "s/^/occurrences: /" | { read -r line; echo "$line"; echo "$line" >&2; }) | sha256sum | sed "s/-\$/$2/" | tee -a "$out/job-digests.txt"
  rm -rf "$sorted"
}

suite() {
  local data=${DATA_DIR:-/tmp/vf-data} mb=${DATA_MB:-16384} counts=${PATTERN_COUNTS:-"10 1000 10000 100000"}
  local results="$out/results.tsv" dir=/tmp/vf-job-out limit=${JOB_LIMIT:-150}
  ensure_data "$data" "$mb" "$counts"
  mkdir -p "$out/suite"
  if [[ ${SUITE_LINKS:-0} == 1 ]]; then
    timeout 120 $java -jar "$root/lib/benchmarks.jar" 'baselineMemcpy' -f 1 -wi 2 -i 3 -w 1 -r 1 \
      -rf json -rff "$out/links.json" > "$out/suite/links.log" 2>&1
    echo "links: exit $?"; grep -E "^Cuda" "$out/suite/links.log"
  fi
  for run in ${SUITE_RUNS:-"read:1 read:16"}; do
    local engine=${run%%:*} n=${run##*:}
    if [[ $engine == read ]]; then
      timeout "$limit" $java -cp "$root/jobs/*" io.vyre.flink.jobs.VyreJobs baseline --read-only --input "$data/logs" \
        --threads "$n" --results "$results" --label "${mb} MiB" > "$out/suite/read-x$n.log" 2>&1
      echo "read x$n: exit $?"; grep -E "^read only" "$out/suite/read-x$n.log"
    fi
  done
  for n in ${JOB_PATTERNS:-$counts}; do
    for case in ${SUITE_CASES:-exact}; do
      local ic=(); if [[ $case == ignore ]]; then ic=(--ignore-case); fi
      for run in ${SUITE_RUNS:-"vectorscan:16 peer-vectorscan:16 peer-ahocorasick:16 cpu:default cuda:4 auto:default"}; do
        local engine=${run%%:*} p=${run##*:} log="$out/suite/$n-$case-${run/:/-x}.log"
        local set=decoys; if [[ $n == *-* ]]; then set=${n%%-*}; fi
        local common=(--input "$data/logs" --patterns "$data/patterns-$n.txt" "${ic[@]}" --results "$results" --label "${mb} MiB set=$set")
        local subtasks=(--parallelism "$p"); if [[ $p == default ]]; then subtasks=(); fi
        rm -rf "$dir"
        case $engine in
          read) continue ;;
          vectorscan) timeout "$limit" $java -cp "$root/jobs/*" io.vyre.flink.jobs.VyreJobs baseline "${common[@]}" \
                        --threads "$p" > "$log" 2>&1 ;;
          peer-*) timeout "$limit" $java -cp "$root/jobs/*" io.vyre.flink.jobs.VyreJobs peer --engine "${engine#peer-}" \
                    "${common[@]}" "${subtasks[@]}" --output "$dir" > "$log" 2>&1 ;;
          *) timeout "$limit" $java -cp "$root/jobs/*" io.vyre.flink.jobs.VyreJobs scan --backend "$engine" \
               "${common[@]}" "${subtasks[@]}" --output "$dir" --verbose > "$log" 2>&1 ;;
        esac
        echo "$n patterns $case $run: exit $?"; grep -E "^(scanned|streaming|baseline|scanning alone|cpu|error)" "$log" | cut -c1-320
        if [[ $engine != vectorscan ]]; then digest "$dir" "$n patterns $case $run"; fi
      done
    done
  done
  tar -C "$out" -czf "$out/suite-logs.tar.gz" suite && rm -rf "$out/suite"
}

jobs() {
  # the scan job end to end on the embedded cluster over the same generated data (in the page cache after the
  # first run): each backend x parallelism in JOB_RUNS for each pattern count, output digests compared
  local data=${DATA_DIR:-/tmp/vf-data} mb=${DATA_MB:-4096} counts=${PATTERN_COUNTS:-"10 1000"}
  ensure_data "$data" "$mb" "$counts"
  mkdir -p "$out/jobs"
  for n in ${JOB_PATTERNS:-$counts}; do
    for run in ${JOB_RUNS:-"cpu:16 cuda:1 cuda:2"}; do
      local backend=${run%%:*} parallelism=${run##*:} dir=/tmp/vf-job-out
      local log="$out/jobs/$n-patterns-$backend-x$parallelism.log"
      if [[ $backend == vectorscan ]]; then
        # the CPU baseline: Vectorscan called directly on the same files, no Flink, no megakernel
        timeout "${JOB_LIMIT:-150}" $java -cp "$root/jobs/*" io.vyre.flink.jobs.VyreJobs baseline --input "$data/logs" \
          --patterns "$data/patterns-$n.txt" --threads "$parallelism" > "$log" 2>&1
        echo "baseline $n patterns, vectorscan x$parallelism: exit $?"; grep -E "^(compiled|baseline|scanning|error)" "$log"
        continue
      fi
      rm -rf "$dir"
      local subtasks=(--parallelism "$parallelism")
      if [[ $parallelism == default ]]; then subtasks=(); fi
      local opts=${JOB_JAVA_OPTS:-}
      timeout "${JOB_LIMIT:-150}" $java ${opts//@RUN@/$n-$backend-x$parallelism} -cp "$root/jobs/*" io.vyre.flink.jobs.VyreJobs scan --input "$data/logs" \
        --patterns "$data/patterns-$n.txt" --output "$dir" --backend "$backend" "${subtasks[@]}" \
        ${JOB_ARGS:-} --verbose > "$log" 2>&1
      echo "job $n patterns, $backend x$parallelism: exit $?"; grep -E "^scanned .* in |^streaming|^backend|error" "$log" | head -4
      grep -E "^  (source|sink)[A-Z]" "$log" | cut -c1-40
      digest "$dir" "$n patterns $backend x$parallelism"
    done
  done
  # one archive: the device returns a limited number of files
  tar -C "$out" -czf "$out/job-logs.tar.gz" jobs && rm -rf "$out/jobs"
}

variants() {
  local keep=/tmp/vf-variants entry name runs args opts
  rm -rf "$keep" && mkdir -p "$keep"
  local all=${VARIANTS:?VARIANTS lists NAME|JOB_RUNS|JOB_ARGS|JOB_JAVA_OPTS entries separated by ;}
  IFS=';' read -ra entries <<< "${all//$'\n'/}"
  for entry in "${entries[@]}"; do
    IFS='|' read -r name runs args opts <<< "$entry"
    if [[ ! $name =~ ^[A-Za-z0-9_.-]+$ || $name == variants ]]; then
      echo "variant name '$name' (in '$entry'): use letters, digits, '.', '_' or '-', and not 'variants'"; return 2
    fi
  done
  for entry in "${entries[@]}"; do
    IFS='|' read -r name runs args opts <<< "$entry"
    # a flight recording named after the run (@RUN@) also names its variant
    JOB_RUNS=$runs JOB_ARGS=$args JOB_JAVA_OPTS=${opts//@RUN@/$name-@RUN@} jobs > "$keep/$name.txt" 2>&1
    mkdir -p "$keep/$name" && tar -xzf "$out/job-logs.tar.gz" -C "$keep/$name" && rm -f "$out/job-logs.tar.gz"
    {
      echo "== $name: JOB_RUNS='$runs' JOB_ARGS='$args' JOB_JAVA_OPTS='$opts'"
      for log in "$keep/$name"/jobs/*.log; do
        echo "-- $(basename "$log" .log)"
        grep -hE "^(scanned|streaming|around|chunks|steady|baseline|scanning alone)|runtime closed \([0-9]+ slots done, [0-9]+ failed\);|megakernel stopped" "$log" \
          | sed 's/^\[.*\] INFO [^ ]* - /  /'
      done
    } >> "$keep/variants.txt"
  done
  cp "$out/job-digests.txt" "$keep/" 2>/dev/null
  rm -f "$out/job-digests.txt"
  tar -C "$keep" -czf "$out/variants.tar.gz" . && cat "$keep/variants.txt" | grep -E "^(==|--|scanned|steady|baseline)"
}

case ${1:-} in
  unpack) total=$2; shift 2; unpack "$total" ;;
esac
nvidia-smi --query-gpu=name,driver_version,memory.used,persistence_mode --format=csv,noheader > "$out/gpu.txt" 2>&1
for mode in "$@"; do
  case $mode in
    smoke) smoke ;;
    contract) contract ;;
    suites) suites ;;
    tests) contract; suites ;;
    bench) bench ;;
    jobs) jobs ;;
    variants) variants ;;
    suite) suite ;;
    choice) choice ;;
    scanbench) scanbench ;;
    rttbench) rttbench ;;
    ringtrace) ringtrace ;;
    fuzz) fuzz ;;
    itcases) itcases ;;
    *) echo "unknown mode $mode (smoke, contract, suites, tests, bench, jobs, variants, suite, choice, scanbench, rttbench, ringtrace, fuzz, itcases)"; exit 2 ;;
  esac
done
