#!/usr/bin/env bash
# Interception benchmark (issue 3): leaf mint time, and intercepted-with-injection vs blind-tunnel
# request rate to the same HTTPS origin, in one run, all on loopback. A benchmark, not a test.
#   bench/interception.sh [SECONDS] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl proxy-core -am install >/dev/null
cp=$(mvn -q -B -pl proxy-core dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
java -Xmx512m -Dio.netty.leakDetection.level=disabled \
  -cp "proxy-core/target/test-classes:proxy-core/target/classes:$cp" \
  -Dlogback.configurationFile=bench/logback-quiet.xml -Dsun.net.httpserver.nodelay=true \
  io.egressproxy.core.bench.InterceptionBenchmark "${1:-10}" "${2:-8}"
