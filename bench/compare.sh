#!/usr/bin/env bash
# Side-by-side benchmark (issue 8): direct vs egress-proxy vs the peer proxies installed here
# (squid, tinyproxy, optionally LittleProxy), plus TLS interception (egress-proxy vs squid ssl-bump).
# One invocation builds the jar, starts an nginx origin, runs ROUNDS interleaved rounds of every
# test against a freshly started proxy each time, and prints medians, ratios and the issue's
# targets. Everything listens and connects on 127.0.0.0/8 only; every server this script starts
# runs in its own session and is stopped through its own PID. See bench/README.md.
#
#   bench/compare.sh                          # full run, ~35 min
#   QUICK=1 bench/compare.sh                  # a few minutes, for development
#   TESTS="http lat1" PROXIES="direct egress squid" ROUNDS=5 bench/compare.sh
set -uo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
TOOLS=$BENCH/tools

# ---------------------------------------------------------------- settings
if [[ ${QUICK:-0} == 1 ]]; then
  : "${ROUNDS:=1}" "${DURATION:=4}" "${WARMUP:=3}" "${LAT_DURATION:=2}" "${TLS_DURATION:=3}"
  : "${IDLE_CONNS:=500}" "${BULK_FILE:=64m}" "${BULK_REPS:=1}" "${TCP_SECONDS:=2}"
fi
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-12}         # s measured, test http
WARMUP=${WARMUP:-8}              # s unmeasured load before http, lat1 and the tls tests (a JVM
                                 # needs ~10 s of load to reach its steady state; C peers need none)
CONNS=${CONNS:-50}               # wrk connections (http)
THREADS=${THREADS:-2}            # wrk threads
LAT_DURATION=${LAT_DURATION:-5}  # s, lat1
TLS_DURATION=${TLS_DURATION:-8}  # s, tls-ka / tls-new
TLS_CONNS=${TLS_CONNS:-50}       # hey workers
IDLE_CONNS=${IDLE_CONNS:-5000}   # idle-http / idle-connect
BULK_FILE=${BULK_FILE:-1g}       # 1g or 64m
BULK_REPS=${BULK_REPS:-3}        # downloads per bulk test (median kept)
TCP_SECONDS=${TCP_SECONDS:-5}    # iperf3 ceiling (direct only)
START_TIMEOUT=${START_TIMEOUT:-60}
EGRESS_JAVA_OPTS=${EGRESS_JAVA_OPTS:--Xms256m -Xmx1g}
JAR=$REPO/proxy-cli/target/egress-proxy.jar
WWW=${BENCH_WWW:-/dev/shm/egress-bench-www}
TESTS=${TESTS-tcp http lat1 bulk-fwd bulk-connect idle-http idle-connect tls-ka tls-new}

# ---------------------------------------------------------------- checking the settings
# Before anything starts: a typo must not cost a half-finished run (or silently run nothing).
usage_error() { printf 'bench/compare.sh: %s\n' "$*" >&2; exit 2; }
KNOWN_TESTS="tcp http lat1 bulk-fwd bulk-connect idle-http idle-connect tls-ka tls-new"
KNOWN_PROXIES="direct egress egress-intercept squid squid-bump tinyproxy littleproxy"
[[ ${QUICK:-0} =~ ^[01]$ ]] || usage_error "QUICK=$QUICK: set QUICK=1 for a quick run, or leave it unset for a full one"
for setting in ROUNDS DURATION CONNS THREADS LAT_DURATION TLS_DURATION TLS_CONNS IDLE_CONNS BULK_REPS TCP_SECONDS START_TIMEOUT; do
  [[ ${!setting} =~ ^[1-9][0-9]*$ ]] || usage_error "$setting=${!setting}: must be a whole number, at least 1"
done
[[ $WARMUP =~ ^[0-9]+$ ]] || usage_error "WARMUP=$WARMUP: must be a whole number of seconds (0 for none)"
[[ $BULK_FILE == 1g || $BULK_FILE == 64m ]] || usage_error "BULK_FILE=$BULK_FILE: must be 1g or 64m"
[[ -n ${TESTS// /} ]] || usage_error "TESTS is empty; name some of: $KNOWN_TESTS"
for test_name in $TESTS; do
  [[ " $KNOWN_TESTS " == *" $test_name "* ]] || usage_error "TESTS: unknown test '$test_name'; the tests are: $KNOWN_TESTS"
done
if [[ -n ${PROXIES+set} ]]; then
  [[ -n ${PROXIES// /} ]] || usage_error "PROXIES is empty; name some of: $KNOWN_PROXIES (or leave it unset for all that can run)"
  for proxy_name in $PROXIES; do
    [[ " $KNOWN_PROXIES " == *" $proxy_name "* ]] || usage_error "PROXIES: unknown proxy '$proxy_name'; the proxies are: $KNOWN_PROXIES"
  done
fi

OUT=${OUT:-$BENCH/results/$(date +%Y%m%d-%H%M%S)}
RAW=$OUT/raw.tsv
WORK=$OUT/work

say() { printf '%s %s\n' "$(date +%T)" "$*" | tee -a "$OUT/run.log" >&2; }
die() { say "FATAL: $*"; exit 1; }
# seconds-as-decimal arithmetic without bc
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------- our processes
# Every server is started by `launch` in a session of its own, so that the process group id is
# its PID: `halt PID` signals exactly that group (helpers included) and nothing else.
declare -A OURS=() # PID -> name, of every server still running
LAUNCHED=
launch() { # NAME LOGFILE COMMAND... (call it directly, not in $(...): it records the PID)
  local name=$1 logfile=$2
  shift 2
  setsid "$@" </dev/null >"$logfile" 2>&1 &
  LAUNCHED=$!
  OURS[$LAUNCHED]=$name
  say "started $name (pid $LAUNCHED)"
}

halt() { # PID: TERM its process group, 10 s grace, then KILL what is left of the group
  local pid=$1 n
  [[ -n $pid ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null
  for ((n = 0; n < 100; n++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then say "${OURS[$pid]:-pid $pid} ignored TERM for 10 s: KILL"; fi
  kill -KILL -- "-$pid" 2>/dev/null # the leader may be gone while helpers of its group are not
  wait "$pid" 2>/dev/null
  unset "OURS[$pid]"
}

on_exit() {
  local pid
  for pid in "${!OURS[@]}"; do halt "$pid"; done
}
trap on_exit EXIT
trap 'say "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- setup
install_missing() {
  local need=() opt=() cmd
  declare -A pkg=([nginx]=nginx-light [wrk]=wrk [hey]=hey [curl]=curl [openssl]=openssl
    [python3]=python3 [iperf3]=iperf3 [squid]=squid-openssl [tinyproxy]=tinyproxy)
  for cmd in nginx wrk hey curl openssl python3; do command -v "$cmd" >/dev/null || need+=("${pkg[$cmd]}"); done
  for cmd in iperf3 squid tinyproxy; do command -v "$cmd" >/dev/null || opt+=("${pkg[$cmd]}"); done
  ((${#need[@]} + ${#opt[@]})) || return 0
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    ((${#need[@]})) && die "missing: ${need[*]} (install them, or run as root on Debian)"
    say "not installed (skipped): ${opt[*]}"
    return 0
  fi
  say "installing: ${need[*]} ${opt[*]}"
  # policy-rc.d answering 101 keeps Debian from starting the packaged squid/tinyproxy/nginx services
  local guard=/usr/sbin/policy-rc.d ours=0
  if [[ ! -e $guard ]]; then printf '#!/bin/sh\nexit 101\n' >"$guard" && chmod 755 "$guard" && ours=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  local p ok=1
  for p in "${need[@]}"; do DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null || ok=0; done
  for p in "${opt[@]}"; do DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null || say "could not install $p (skipped)"; done
  ((ours)) && rm -f "$guard"
  ((ok)) || die "could not install ${need[*]}"
}

# LittleProxy (Java, Netty) is fetched from Maven Central and started by a launcher of ours, unless
# LITTLEPROXY_CMD says how to start it; LITTLEPROXY=0 leaves it out.
littleproxy_peer() {
  [[ -n ${LITTLEPROXY_CMD:-} || ${LITTLEPROXY:-1} == 0 ]] && return 0
  local line
  if line=$("$BENCH/peers/littleproxy/build.sh" 2>>"$OUT/build.log" | tail -1); then
    LITTLEPROXY_CMD="java ${LITTLEPROXY_JAVA_OPTS:--Xms256m -Xmx1g} -cp ${line#java -cp }"
    LITTLEPROXY_CMD=${LITTLEPROXY_CMD% PORT}" {PORT}"
  else
    say "could not build the LittleProxy peer (see $OUT/build.log): skipped"
  fi
}

build_jar() {
  if [[ ${SKIP_BUILD:-0} == 1 ]]; then
    say "SKIP_BUILD=1: using $JAR as it is"
  else
    say "building the jar (mvn package)"
    (cd "$REPO" && mvn -q -B -DskipTests package) >"$OUT/build.log" 2>&1 || die "build failed, see $OUT/build.log"
  fi
  [[ -s $JAR ]] || die "no $JAR"
}

# Served files live on tmpfs: this VM's host reclaims the guest page cache within minutes, and a
# disk-backed 1 GiB file would then be read at disk speed in some rounds only. Kept between runs.
make_files() {
  mkdir -p "$WWW"
  local name bytes
  for name in 1k 64m 1g; do
    case $name in 1k) bytes=1024 ;; 64m) bytes=$((64 << 20)) ;; 1g) bytes=$((1 << 30)) ;; esac
    [[ $name == 1g && $BULK_FILE != 1g ]] && continue
    if [[ $(stat -c %s "$WWW/$name" 2>/dev/null) != "$bytes" ]]; then
      say "writing $WWW/$name ($bytes random bytes)"
      head -c "$bytes" /dev/urandom >"$WWW/$name.tmp" && mv "$WWW/$name.tmp" "$WWW/$name"
    fi
  done
  chmod 755 "$WWW" && chmod 644 "$WWW"/*
}

# ECDSA P-256 throughout. origin-ca signs the origin's certificate (IP SANs 127.0.0.1-9, also
# written as dNSName because squid 5 checks only names when it verifies an origin); intercept-ca
# is what squid-bump and egress-intercept mint leaves with (its key as PKCS#8, which both read).
make_tls() {
  local d=$OUT/tls sans="" i
  mkdir -p "$d"
  for i in 1 2 3 4 5 6 7 8 9; do sans+="IP:127.0.0.$i,DNS:127.0.0.$i,"; done
  (
    cd "$d" || exit 1
    for k in origin-ca origin intercept-ca; do
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k.key" 2>/dev/null || exit 1
    done
    openssl req -new -x509 -key origin-ca.key -out origin-ca.pem -days 365 -subj "/CN=egress-bench origin CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
      openssl req -new -x509 -key intercept-ca.key -out intercept-ca.pem -days 365 \
        -subj "/CN=egress-bench interception CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
      openssl req -new -key origin.key -subj "/CN=127.0.0.1" -out origin.csr 2>/dev/null &&
      printf 'subjectAltName=%sDNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' \
        "$sans" >origin.ext &&
      openssl x509 -req -in origin.csr -CA origin-ca.pem -CAkey origin-ca.key -CAcreateserial -days 365 \
        -extfile origin.ext -out origin.pem 2>/dev/null
  ) || die "openssl failed making the TLS material"
  chmod 755 "$d" && chmod 644 "$d"/*
  # squid drops to the proxy user and must read the CA key; egress-proxy (running as us) gets an
  # owner-only copy, which it expects of a CA key
  cp "$d/intercept-ca.key" "$d/intercept-ca.own.key" && chmod 600 "$d/intercept-ca.own.key"
  TLS=$d
}

# nginx, one worker: plain HTTP on 127.0.0.1:<free port>, HTTPS on <spare 127.0.0.x>:443 (Go's
# hey would otherwise put host:port into SNI and Host, which an intercepting proxy rejects).
start_origin() {
  local d=$WORK/origin
  mkdir -p "$d/tmp"
  ORIGIN_PORT=$(python3 "$TOOLS/procfs.py" free-port)
  TLS_ADDR=$(python3 "$TOOLS/procfs.py" spare-443)
  [[ -n $TLS_ADDR ]] || die "port 443 is taken on every one of 127.0.0.2-9"
  cat >"$d/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
worker_rlimit_nofile 19000;
events { worker_connections 16000; multi_accept on; }
http {
  access_log off;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 1h;
  keepalive_requests 1000000000;
  open_file_cache max=16 inactive=1h;
  client_body_temp_path $d/tmp/client;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  server {
    listen 127.0.0.1:$ORIGIN_PORT backlog=8192;
    root $WWW;
  }
  server {
    listen $TLS_ADDR:443 ssl backlog=8192;
    ssl_certificate $TLS/origin.pem;
    ssl_certificate_key $TLS/origin.key;
    ssl_session_cache shared:bench:8m;
    root $WWW;
    # smoke test of egress-intercept only: did the credential header arrive? (not the value
    # itself: the proxy would redact an echoed secret)
    location = /key-check {
      default_type text/plain;
      if (\$http_x_api_key = "bench-secret") { return 200 "injected\n"; }
      return 200 "missing\n";
    }
  }
}
EOF
  launch origin "$d/stdout.log" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
  ORIGIN_PID=$LAUNCHED
  python3 "$TOOLS/procfs.py" wait-port "$ORIGIN_PORT" 20 "$ORIGIN_PID" || die "nginx did not start: $(tail -3 "$d/error.log")"
  [[ $(fetch "http://127.0.0.1:$ORIGIN_PORT/1k") == "200 1024" ]] || die "origin HTTP check failed"
  [[ $(fetch --cacert "$TLS/origin-ca.pem" "https://$TLS_ADDR/1k") == "200 1024" ]] || die "origin HTTPS check failed"
  say "origin: nginx http://127.0.0.1:$ORIGIN_PORT https://$TLS_ADDR (pid $ORIGIN_PID)"
}

# fetch [CURL OPTIONS...] URL -> "status bytes" (bounded: 10 s)
fetch() { timeout -k 5 15 curl -s -m 10 -o /dev/null -w '%{http_code} %{size_download}' "$@"; }

# ---------------------------------------------------------------- proxies
installed() { # PROXY -> 0 if it can run here
  case $1 in
    direct | egress | egress-intercept) return 0 ;;
    squid) command -v squid >/dev/null ;;
    squid-bump) command -v squid >/dev/null && [[ -x /usr/lib/squid/security_file_certgen ]] &&
      [[ $(squid -v 2>/dev/null) == *with-openssl* ]] ;;
    tinyproxy) command -v tinyproxy >/dev/null ;;
    littleproxy) [[ -n ${LITTLEPROXY_CMD:-} ]] ;;
    *) return 1 ;;
  esac
}

takes_part() { # PROXY TEST
  case $1:$2 in
    direct:*) return 0 ;;
    *:tcp) return 1 ;;
    egress-intercept:tls-* | squid-bump:tls-*) return 0 ;;
    egress-intercept:* | squid-bump:*) return 1 ;;
    *) return 0 ;;
  esac
}

intercepts() { [[ $1 == egress-intercept || $1 == squid-bump ]]; }

conf_egress() { # DIR PORT intercept?
  local d=$1 port=$2 tls
  if [[ ${3:-} == intercept ]]; then
    tls="ca-cert = \"$TLS/intercept-ca.pem\", ca-key = \"$TLS/intercept-ca.own.key\"
    upstream-trust = [\"$TLS/origin-ca.pem\"], intercept = all"
  else
    tls="ca-dir = \"$d/ca\", intercept = none"
  fi
  cat >"$d/proxy.conf" <<EOF
egress-proxy {
  listen = "127.0.0.1:$port"
  admin.listen = ""
  # "localhost" = the host's own loopback: 127.0.0.0/8 and ::1, any port
  policy { allow = ["localhost:*"] }
  limits { idle-timeout = 15m, drain-timeout = 1s }
  tls {
    $tls
  }
EOF
  [[ ${3:-} == intercept ]] && cat >>"$d/proxy.conf" <<EOF
  credentials = [
    { name = bench, hosts = ["$TLS_ADDR"], header = "x-api-key", secret = "bench-secret" }
  ]
EOF
  echo "}" >>"$d/proxy.conf"
}

# squid 5 with the settings the reference run used for every peer: no cache, no access log,
# loopback clients only, no ICMP pinger, a loopback-only resolver (only IP literals are used),
# room for 5,000 idle connections (two sockets each), idle timeouts longer than any test.
conf_squid() { # DIR PORT bump?
  local d=$1 port=$2
  {
    echo "http_port 127.0.0.1:$port$([[ ${3:-} == bump ]] && echo " ssl-bump tls-cert=$TLS/intercept-ca.pem tls-key=$TLS/intercept-ca.key generate-host-certificates=on dynamic_cert_mem_cache_size=16MB")"
    [[ $(id -u) == 0 ]] && printf 'cache_effective_user proxy\ncache_effective_group proxy\n'
    cat <<EOF
pid_filename none
shutdown_lifetime 1 seconds
cache_log $d/cache.log
coredump_dir $d
logfile_rotate 0
access_log none
cache_store_log none
cache deny all
cache_mem 8 MB
max_filedescriptors 19500
pinger_enable off
dns_nameservers 127.0.0.1
client_idle_pconn_timeout 30 minutes
pconn_timeout 30 minutes
read_timeout 30 minutes
request_timeout 10 minutes
acl loopback_clients src 127.0.0.0/8
http_access allow loopback_clients
http_access deny all
EOF
    if [[ ${3:-} == bump ]]; then
      cat <<EOF
sslcrtd_program /usr/lib/squid/security_file_certgen -s $d/certs -M 16MB
sslcrtd_children 4 startup=1 idle=1
tls_outgoing_options cafile=$TLS/origin-ca.pem
acl first_step at_step SslBump1
ssl_bump peek first_step
ssl_bump bump all
EOF
    fi
  } >"$d/squid.conf"
  [[ ${3:-} == bump ]] && /usr/lib/squid/security_file_certgen -c -s "$d/certs" -M 16MB >/dev/null
  [[ $(id -u) == 0 ]] && chown -R proxy:proxy "$d"
}

conf_tinyproxy() { # DIR PORT
  local d=$1 port=$2
  {
    [[ $(id -u) == 0 ]] && printf 'User nobody\nGroup nogroup\n'
    cat <<EOF
Listen 127.0.0.1
Port $port
Allow 127.0.0.0/8
MaxClients 15000
Timeout 1800
LogLevel Error
LogFile "$d/tinyproxy.log"
EOF
  } >"$d/tinyproxy.conf" # no ConnectPort line: CONNECT to any port
  [[ $(id -u) == 0 ]] && chown -R nobody:nogroup "$d"
}

# start_proxy NAME DIR -> PROXY_PID, PROXY_PORT; 1 if it does not listen in START_TIMEOUT
start_proxy() {
  local name=$1 d=$2
  PROXY_PORT=$(python3 "$TOOLS/procfs.py" free-port)
  mkdir -p "$d"
  case $name in
    egress | egress-intercept)
      conf_egress "$d" "$PROXY_PORT" "$([[ $name == egress-intercept ]] && echo intercept)"
      # shellcheck disable=SC2086 # word splitting of the JVM options is wanted
      EGRESS_PROXY_ACCESS_LOG=OFF launch "$name" "$d/stdout.log" java $EGRESS_JAVA_OPTS -jar "$JAR" serve --config "$d/proxy.conf"
      ;;
    squid | squid-bump)
      conf_squid "$d" "$PROXY_PORT" "$([[ $name == squid-bump ]] && echo bump)"
      launch "$name" "$d/stdout.log" squid -N -f "$d/squid.conf"
      ;;
    tinyproxy)
      conf_tinyproxy "$d" "$PROXY_PORT"
      launch "$name" "$d/stdout.log" tinyproxy -d -c "$d/tinyproxy.conf"
      ;;
    littleproxy)
      launch "$name" "$d/stdout.log" bash -c "exec ${LITTLEPROXY_CMD//\{PORT\}/$PROXY_PORT}"
      ;;
  esac
  PROXY_PID=$LAUNCHED
  if ! python3 "$TOOLS/procfs.py" wait-port "$PROXY_PORT" "$START_TIMEOUT" "$PROXY_PID"; then
    say "$name did not listen on 127.0.0.1:$PROXY_PORT; its log: $(tail -3 "$d/stdout.log" | tr '\n' ' ')"
    halt "$PROXY_PID"
    return 1
  fi
}

# smoke PROXY TEST -> 0 if the path TEST needs works through the proxy
smoke() {
  local name=$1 t=$2 px=http://127.0.0.1:$PROXY_PORT got want="200 1024" ca=$TLS/origin-ca.pem
  intercepts "$name" && ca=$TLS/intercept-ca.pem # the client must see a minted leaf
  case $t in
    http | lat1 | bulk-fwd | idle-http) got=$(fetch -x "$px" "http://127.0.0.1:$ORIGIN_PORT/1k") ;;
    bulk-connect | idle-connect) got=$(fetch -p -x "$px" "http://127.0.0.1:$ORIGIN_PORT/1k") ;;
    tls-*) got=$(fetch --cacert "$ca" -x "$px" "https://$TLS_ADDR/1k") ;;
  esac
  if [[ $got != "$want" ]]; then
    say "smoke test of $name for $t failed: got '$got', wanted '$want'"
    return 1
  fi
  if [[ $name == egress-intercept ]]; then
    got=$(timeout -k 5 15 curl -s -m 10 --cacert "$ca" -x "$px" "https://$TLS_ADDR/key-check")
    [[ $got == injected ]] || { say "egress-intercept did not inject x-api-key (origin saw: '$got')"; return 1; }
  fi
}

# ---------------------------------------------------------------- tests
# Each test function gets ROUND PROXY and uses PORT (where the client connects: the proxy, or the
# origin for direct), PID (the process measured: the proxy; empty for direct, except idle-* where
# the origin is measured) and CASE (a directory for this case's files). It prints "metric value".
cpu_of() { if [[ -n $1 ]]; then python3 "$TOOLS/procfs.py" cpu "$1"; else echo 0; fi; }

wrk_run() { # SECONDS CONNS THREADS OUTFILE
  TARGET_URL="http://127.0.0.1:$ORIGIN_PORT/1k" timeout -k 10 $(($1 + 30)) \
    wrk --latency -t"$3" -c"$2" -d"$1s" --timeout 10s -s "$TOOLS/absolute.lua" "http://127.0.0.1:$PORT/" >"$4" 2>&1
}

t_http() {
  wrk_run "$WARMUP" "$CONNS" "$THREADS" "$CASE/warmup.txt"
  local p0 p1 o0 o1 h0 h1
  p0=$(cpu_of "$PID") o0=$(cpu_of "$ORIGIN_PID") h0=$(python3 "$TOOLS/procfs.py" host)
  wrk_run "$DURATION" "$CONNS" "$THREADS" "$CASE/wrk.txt"
  p1=$(cpu_of "$PID") o1=$(cpu_of "$ORIGIN_PID") h1=$(python3 "$TOOLS/procfs.py" host)
  local extra=()
  [[ -n $PID ]] && extra=(--proxy-cpu "$(sub "$p0" "$p1")")
  python3 "$TOOLS/clients.py" wrk "$CASE/wrk.txt" "${extra[@]}" --origin-cpu "$(sub "$o0" "$o1")" \
    --host0 "$h0" --host1 "$h1"
}

t_lat1() {
  # warm the proxy's code paths the same way as for http, then one connection, one request at a time
  wrk_run "$WARMUP" "$CONNS" "$THREADS" "$CASE/warmup.txt"
  wrk_run "$LAT_DURATION" 1 1 "$CASE/wrk.txt"
  python3 "$TOOLS/clients.py" wrk "$CASE/wrk.txt" | grep -E '^(p50_us|p99_us|rps|non_2xx_pct) '
}

t_bulk() { # connect|fwd
  local via=() i p0 p1 o0 o1 line
  if [[ -n $PID ]]; then
    via=(-x "http://127.0.0.1:$PORT")
    [[ $1 == connect ]] && via+=(-p)
  fi
  timeout -k 5 120 curl -s -o /dev/null "${via[@]}" "http://127.0.0.1:$ORIGIN_PORT/64m" # warm-up
  : >"$CASE/downloads.txt"
  for ((i = 0; i < BULK_REPS; i++)); do
    p0=$(cpu_of "$PID") o0=$(cpu_of "$ORIGIN_PID")
    line=$(timeout -k 5 600 curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' \
      "${via[@]}" "http://127.0.0.1:$ORIGIN_PORT/$BULK_FILE")
    p1=$(cpu_of "$PID") o1=$(cpu_of "$ORIGIN_PID")
    if [[ -n $PID ]]; then line+=" $(sub "$p0" "$p1")"; else line+=" -"; fi
    echo "$line $(sub "$o0" "$o1")" >>"$CASE/downloads.txt"
  done
  python3 "$TOOLS/clients.py" bulk "$CASE/downloads.txt"
}

t_idle() { # http|connect
  local mode=$1 pid=$PID
  [[ -z $PID ]] && mode=direct pid=$ORIGIN_PID
  # The same warm-up as the load tests: a long-running proxy has touched its heap and buffer pools
  # already; a fresh JVM's first allocations would otherwise be counted as the connections' memory.
  [[ -n $PID ]] && wrk_run "$WARMUP" "$CONNS" "$THREADS" "$CASE/warmup.txt"
  timeout -k 10 900 python3 "$TOOLS/idle.py" --mode "$mode" --port "$PORT" --origin-port "$ORIGIN_PORT" \
    --pid "$pid" --count "$IDLE_CONNS" >"$CASE/idle.txt" 2>"$CASE/idle.err" || return 1
  # a per-connection figure only means something if (nearly) all of them stayed open
  local alive
  alive=$(awk '$1 == "alive" { print $2 }' "$CASE/idle.txt")
  if ((${alive:-0} < IDLE_CONNS * 95 / 100)); then
    grep -vE '^(KiB_per_conn|heap_KiB_per_conn) ' "$CASE/idle.txt"
  else
    cat "$CASE/idle.txt"
  fi
}

t_tls() { # ka|new
  local opts=(-c "$TLS_CONNS") p0 p1
  [[ -n $PID ]] && opts+=(-x "http://127.0.0.1:$PORT")
  [[ $1 == new ]] && opts+=(-disable-keepalive)
  timeout -k 5 $((WARMUP + 30)) hey -z "${WARMUP}s" "${opts[@]}" "https://$TLS_ADDR/1k" >"$CASE/warmup.txt" 2>&1
  p0=$(cpu_of "$PID")
  timeout -k 5 $((TLS_DURATION + 60)) hey -z "${TLS_DURATION}s" "${opts[@]}" "https://$TLS_ADDR/1k" >"$CASE/hey.txt" 2>&1
  p1=$(cpu_of "$PID")
  local extra=()
  [[ -n $PID ]] && extra=(--proxy-cpu "$(sub "$p0" "$p1")")
  python3 "$TOOLS/clients.py" hey "$CASE/hey.txt" "${extra[@]}"
}

t_tcp() {
  command -v iperf3 >/dev/null || return 1
  local port
  port=$(python3 "$TOOLS/procfs.py" free-port)
  launch iperf3 "$CASE/server.txt" iperf3 -s --forceflush -B 127.0.0.1 -p "$port"
  local server=$LAUNCHED n
  for ((n = 0; n < 50; n++)); do grep -q listening "$CASE/server.txt" 2>/dev/null && break; sleep 0.1; done
  timeout -k 5 $((TCP_SECONDS + 30)) iperf3 -c 127.0.0.1 -p "$port" -t "$TCP_SECONDS" -J >"$CASE/iperf3.json" 2>&1
  halt "$server"
  python3 -c 'import json, sys
bps = json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]
print(f"MBps {bps / 8e6:.0f}")' "$CASE/iperf3.json" 2>/dev/null
}

run_test() { # TEST
  case $1 in
    http) t_http ;;
    lat1) t_lat1 ;;
    bulk-fwd) t_bulk fwd ;;
    bulk-connect) t_bulk connect ;;
    idle-http) t_idle http ;;
    idle-connect) t_idle connect ;;
    tls-ka) t_tls ka ;;
    tls-new) t_tls new ;;
    tcp) t_tcp ;;
    *) say "unknown test $1"; return 1 ;;
  esac
}

record() { # ROUND PROXY TEST < "metric value" lines
  local metric value
  while read -r metric value; do
    [[ -n $metric ]] || continue
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$metric" "$value" >>"$RAW"
    printf '      %-24s %s\n' "$metric" "$value" >>"$OUT/run.log"
  done
}

one_case() { # ROUND TEST PROXY
  local r=$1 t=$2 name=$3
  CASE=$WORK/r$r-$t-$name
  mkdir -p "$CASE"
  say "round $r/$ROUNDS  $t  $name"
  if [[ $name == direct ]]; then
    PORT=$ORIGIN_PORT PID=
  else
    if ! start_proxy "$name" "$CASE"; then echo "FAIL 1" | record "$r" "$name" "$t"; return; fi
    PORT=$PROXY_PORT PID=$PROXY_PID
    if ! smoke "$name" "$t"; then
      echo "FAIL 1" | record "$r" "$name" "$t"
      halt "$PROXY_PID"
      return
    fi
  fi
  # not in $(...): a test may launch a server, and only this shell's EXIT trap knows to stop it
  if run_test "$t" >"$CASE/metrics.txt" && [[ -s $CASE/metrics.txt ]]; then
    record "$r" "$name" "$t" <"$CASE/metrics.txt"
  else
    say "  $t via $name produced no figures (see $CASE)"
    echo "FAIL 1" | record "$r" "$name" "$t"
  fi
  [[ -n $PID ]] && halt "$PID"
}

describe_run() {
  {
    echo "date $(date -Is)"
    echo "host $(uname -sr); $(nproc) cpus; $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "commit $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- proxy-core proxy-cli || echo ' (+ local changes)')"
    echo "settings QUICK=${QUICK:-0} ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONNS=$CONNS THREADS=$THREADS LAT_DURATION=$LAT_DURATION TLS_DURATION=$TLS_DURATION TLS_CONNS=$TLS_CONNS IDLE_CONNS=$IDLE_CONNS BULK_FILE=$BULK_FILE BULK_REPS=$BULK_REPS"
    echo "proxies $PROXIES"
    echo "tests $TESTS"
    echo "egress java $(java -version 2>&1 | head -1) $EGRESS_JAVA_OPTS"
    echo "nginx $(nginx -v 2>&1 | sed 's/^.*: //')"
    installed squid && echo "squid $(squid -v | head -1)"
    installed tinyproxy && echo "tinyproxy $(tinyproxy -v 2>&1 | head -1)"
    [[ -n ${LITTLEPROXY_CMD:-} ]] && echo "littleproxy $LITTLEPROXY_CMD"
    echo "clients wrk $(dpkg-query -W -f '${Version}' wrk 2>/dev/null), hey $(dpkg-query -W -f '${Version}' hey 2>/dev/null), $(curl -V | head -1 | cut -d' ' -f1-2)"
  } >"$OUT/meta.txt"
}

main() {
  mkdir -p "$WORK"
  : >"$RAW"
  ulimit -n "$(ulimit -Hn)" # 5,000 idle connections are 10,000 sockets in a proxy
  say "results in $OUT"
  install_missing
  littleproxy_peer
  if [[ -z ${PROXIES:-} ]]; then
    PROXIES="direct egress squid tinyproxy"
    [[ -n ${LITTLEPROXY_CMD:-} ]] && PROXIES+=" littleproxy"
    PROXIES+=" egress-intercept squid-bump"
  fi
  local p kept=""
  for p in $PROXIES; do
    if installed "$p"; then kept+=" $p"; else say "skipping $p: not installed (or LITTLEPROXY_CMD unset)"; fi
  done
  PROXIES=${kept# }
  build_jar
  make_files
  make_tls
  start_origin
  describe_run
  local r t
  for ((r = 1; r <= ROUNDS; r++)); do
    for t in $TESTS; do
      for p in $PROXIES; do
        takes_part "$p" "$t" && one_case "$r" "$t" "$p"
      done
    done
  done
  halt "$ORIGIN_PID"
  python3 "$TOOLS/report.py" "$OUT" | tee "$OUT/summary.txt"
}

main "$@"
