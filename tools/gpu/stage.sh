#!/usr/bin/env bash
# Stages what the GPU machine needs (it has no JDK and no network) into .gpu/ (ignored by git):
#   .gpu/payload.tar.gz: a jlink'd Java runtime, benchmarks.jar (the runtime, JCuda, JMH), the gpu-runtime
#   test classes with JUnit's console launcher, AssertJ and jqwik, the Flink jobs' classpath when WITH_JOBS=1, and
#   the connector's ITCases with their classpath (MiniCluster) when WITH_ITCASES=1, split into .gpu/parts/part.* of at
#   most PART_BYTES (58 MB) each, one per call to the GPU machine.
# Then, on the GPU machine, from the repository root (see docs/GPU.md for the calls):
#   tools/gpu/run.sh unpack         (once per part: collects the part, unpacks when all are there)
#   tools/gpu/run.sh tests|bench|all  (writes logs and results under $OUT)
set -euo pipefail
cd "$(dirname "$0")/../.."
part_bytes=${PART_BYTES:-58000000}
junit_console=org.junit.platform:junit-platform-console-standalone:1.13.4
assertj=org.assertj:assertj-core:3.27.3
bytebuddy=net.bytebuddy:byte-buddy:1.15.11
jqwik_version=$(sed -n "s:.*<jqwik.version>\(.*\)</jqwik.version>.*:\1:p" pom.xml)

mvn -B -ntp -q -DskipTests install
stage=.gpu/stage
rm -rf .gpu && mkdir -p "$stage/lib" .gpu/parts
cp benchmarks/target/benchmarks.jar "$stage/lib/"
(cd gpu-runtime/target/test-classes && zip -q -r "$OLDPWD/$stage/lib/gpu-runtime-tests.jar" .)
for artifact in "$junit_console" "$assertj" "$bytebuddy" "net.jqwik:jqwik-api:$jqwik_version" \
  "net.jqwik:jqwik-engine:$jqwik_version"; do
  mvn -B -ntp -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$stage/lib"
done
mv "$stage/lib/junit-platform-console-standalone-"*.jar "$stage/junit-console.jar"
if [[ ${WITH_JOBS:-0} == 1 ]]; then
  mkdir -p "$stage/jobs"
  # the embedded jobs' runtime classpath (the jobs, the connector, Flink) without the table planner (scan needs
  # none) and with slf4j-simple instead of log4j-core (which needs java.desktop, left out of the runtime below)
  (cd flink-jobs-embedded && mvn -B -ntp -q dependency:copy-dependencies -DincludeScope=runtime \
    -DexcludeArtifactIds=flink-table-planner_2.12,flink-table-planner-loader,log4j-slf4j-impl,log4j-core \
    -DoutputDirectory="../$stage/jobs")
  mvn -B -ntp -q dependency:copy -Dartifact=org.slf4j:slf4j-simple:1.7.36 -DoutputDirectory="$stage/jobs"
fi
if [[ ${WITH_ITCASES:-0} == 1 ]]; then
  mkdir -p "$stage/itcases"
  # the connector's test classpath for its job-level ITCases (tools/gpu/run.sh itcases), without what they never
  # load (RocksDB, the table planner, containers), JUnit (the console launcher brings it) and log4j-core (which
  # needs java.desktop): slf4j-simple logs instead
  (cd connector && mvn -B -ntp -q dependency:copy-dependencies -DincludeScope=test \
    -DexcludeGroupIds=org.testcontainers,com.github.docker-java,org.junit.jupiter,org.junit.platform,org.opentest4j,com.tngtech.archunit \
    -DexcludeArtifactIds=frocksdbjni,flink-table-planner-loader,icu4j,log4j-slf4j-impl,log4j-core \
    -DoutputDirectory="../$stage/itcases")
  mvn -B -ntp -q dependency:copy -Dartifact=org.slf4j:slf4j-simple:1.7.36 -DoutputDirectory="$stage/itcases"
  cp connector/target/vyre-flink-connector-*.jar "$stage/itcases/"
  (cd connector/target/test-classes && zip -q -r "$OLDPWD/$stage/itcases/vyre-flink-connector-itcases.jar" .)
fi
jdk=${JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,java.management.rmi,jdk.management.agent,java.naming,java.sql,java.xml,java.scripting,jdk.unsupported,jdk.management,jdk.zipfs,java.instrument,java.compiler,java.net.http,java.rmi,java.security.jgss,jdk.crypto.ec,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$stage/jre"
strip --strip-unneeded "$stage/jre/lib/server/libjvm.so" 2>/dev/null || true
tar -C "$stage" -cf - . | gzip -1 > .gpu/payload.tar.gz
rm -rf "$stage"
split -b "$part_bytes" -d .gpu/payload.tar.gz .gpu/parts/part.
rm .gpu/payload.tar.gz
count=$(ls .gpu/parts | wc -l)
for p in .gpu/parts/part.*; do
  mkdir -p ".gpu/carry-${p##*.}" && mv "$p" ".gpu/carry-${p##*.}/"
done
rmdir .gpu/parts
du -sh .gpu/carry-*
echo "staged $count part(s): carry .gpu/carry-NN, one per call, each running: tools/gpu/run.sh unpack $count [then a mode]"
