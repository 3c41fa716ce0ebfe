#!/usr/bin/env bash
# Fetches LittleProxy 2.2.0 (Maven Central) into ./lib and compiles PeerLauncher into ./classes.
# bench/compare.sh runs this by itself when Maven is there; the result is not committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! compgen -G 'lib/littleproxy-*.jar' >/dev/null; then
  mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime >&2
fi
mkdir -p classes
javac --release 17 -d classes -cp 'lib/*' PeerLauncher.java
echo "java -cp '$PWD/classes:$PWD/lib/*' PeerLauncher PORT"
