#!/usr/bin/env bash
# JMH micro-benchmarks of the hot pure code: policy decision with 10,000 rules, header injection,
# echo redaction, leaf minting. A benchmark, not a test. Extra arguments go to JMH (e.g. a regex).
#   bench/jmh.sh [JMH ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl proxy-core -am install >/dev/null
mvn -q -B -f bench/jmh/pom.xml package >/dev/null
java -Dlogback.configurationFile=bench/logback-quiet.xml -jar bench/jmh/target/benchmarks.jar "$@"
