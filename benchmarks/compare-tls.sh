#!/usr/bin/env bash
# HTTPS and HTTP/2 through Handover and nginx, with the same certificate, side by side, on 127.0.0.1.
#
# One plain nginx backend serves a 100-byte body at /small. In front of it: Handover (proxy.tls with
# http2, ioThreads = N) and nginx (listen ssl http2, worker_processes N, upstream keepalive), both
# with one self-signed RSA 2048 certificate made by openssl for the run. For each round and target:
# wrk over HTTPS (HTTP/1.1, keep-alive) and h2load over HTTP/2 (h2 by ALPN). Every request is a
# proxied one; TLS handshakes happen once per connection. The script prints the median req/s and
# the proxy's CPU time per request (user + system of every process of the proxy, from /proc).
#
# Settings (environment):
#   DURATION=5  seconds per run    CONNECTIONS=32  connections    STREAMS=10  h2load -m (streams per connection)
#   ROUNDS=3    interleaved rounds PROXY_THREADS=2 N for both proxies   TARGETS="handover nginx"
#   BASE_PORT=18280  ports BASE_PORT+1..+6 are used    PROTOCOLS="http https h2" (http: the plain ports, for reference)
#   HANDOVER_HOME=<repo>/distribution/target/handover   KEEP=1 keeps the temp folder
#
# Needs: wrk, nginx, h2load (apt-get install -y wrk nginx-light nghttp2-client), openssl, java 17,
# and the distribution (mvn -q -pl distribution -am package -DskipTests). Everything it starts is
# stopped by pid on exit.
set -euo pipefail

DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
STREAMS=${STREAMS:-10}
ROUNDS=${ROUNDS:-3}
PROXY_THREADS=${PROXY_THREADS:-2}
TARGETS=${TARGETS:-"handover nginx"}
BASE_PORT=${BASE_PORT:-18280}
KEEP=${KEEP:-0}

here=$(cd "$(dirname "$0")" && pwd)
HANDOVER_HOME=${HANDOVER_HOME:-$here/../distribution/target/handover}
BACKEND_PORT=$((BASE_PORT + 1))
HANDOVER_PORT=$((BASE_PORT + 2))
HANDOVER_TLS_PORT=$((BASE_PORT + 3))
NGINX_PORT=$((BASE_PORT + 4))
ADMIN_PORT=$((BASE_PORT + 5))
NGINX_PLAIN_PORT=$((BASE_PORT + 6))
PROTOCOLS=${PROTOCOLS:-"http https h2"}

say() { printf '%s\n' "$*" >&2; }

for tool in wrk nginx h2load openssl java; do
  command -v "$tool" > /dev/null || { say "missing $tool: apt-get install -y wrk nginx-light nghttp2-client openssl"; exit 2; }
done
[ -x "$HANDOVER_HOME/bin/handover" ] || { say "no distribution at $HANDOVER_HOME: mvn -q -pl distribution -am package -DskipTests"; exit 2; }

WORK=$(mktemp -d /tmp/handover-tls.XXXXXX)
PIDS=()
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$KEEP" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

await_port() { # name pid port
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { say "$1 exited; its log:"; tail -20 "$WORK/$1.log" >&2 || true; exit 1; }
    sleep 0.1
  done
  say "$1 did not listen on $3 within 30 s"; exit 1
}

# CPU ticks (user + system) of a process and its children (nginx workers)
ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/site-key.pem" -out "$WORK/site.pem" 2>/dev/null
mkdir -p "$WORK/www" "$WORK/tmp"
head -c 100 /dev/zero | tr '\0' 'a' > "$WORK/www/small"
chmod 755 "$WORK" "$WORK/www" "$WORK/tmp"; chmod 644 "$WORK/www/small" "$WORK/site.pem" "$WORK/site-key.pem"

temp_paths() { echo "client_body_temp_path $WORK/tmp/$1-body; proxy_temp_path $WORK/tmp/$1-proxy; fastcgi_temp_path $WORK/tmp/$1-f; uwsgi_temp_path $WORK/tmp/$1-u; scgi_temp_path $WORK/tmp/$1-s;"; }

cat > "$WORK/backend.conf" <<EOF
daemon off; worker_processes 1; pid $WORK/backend.pid; error_log $WORK/backend.log warn;
events { worker_connections 4096; }
http { $(temp_paths backend) access_log off; keepalive_requests 100000000; keepalive_timeout 300s; default_type text/plain;
  server { listen 127.0.0.1:$BACKEND_PORT backlog=4096; root $WORK/www; location = /small { } } }
EOF
cat > "$WORK/nginx.conf" <<EOF
daemon off; worker_processes $PROXY_THREADS; pid $WORK/nginx.pid; error_log $WORK/nginx.log warn;
events { worker_connections 4096; }
http { $(temp_paths nginx) access_log off; keepalive_requests 100000000; keepalive_timeout 300s;
  http2_max_requests 100000000;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 256; keepalive_requests 100000000; }
  server {
    listen 127.0.0.1:$NGINX_PORT ssl http2 backlog=4096;
    listen 127.0.0.1:$NGINX_PLAIN_PORT backlog=4096;
    ssl_certificate $WORK/site.pem; ssl_certificate_key $WORK/site-key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
cat > "$WORK/handover.json" <<EOF
{"proxy":{"port":$HANDOVER_PORT,"bindAddress":"127.0.0.1","ioThreads":$PROXY_THREADS,
  "tls":{"port":$HANDOVER_TLS_PORT,"certificates":[{"certificate":"site.pem","key":"site-key.pem"}],"http2":true}},
 "configService":{"port":$ADMIN_PORT},
 "cluster":{"servers":[{"hostname":"127.0.0.1","port":$BACKEND_PORT}],"version":"1.0"}}
EOF

nginx -c "$WORK/backend.conf" -p "$WORK" > "$WORK/backend.log" 2>&1 & PIDS+=($!); await_port backend $! "$BACKEND_PORT"
declare -A PID_OF PORT PLAIN
for target in $TARGETS; do
  case "$target" in
    handover)
      "$HANDOVER_HOME/bin/handover" run --config-file "$WORK/handover.json" > "$WORK/handover.log" 2>&1 &
      PIDS+=($!); PID_OF[handover]=$!; PORT[handover]=$HANDOVER_TLS_PORT; PLAIN[handover]=$HANDOVER_PORT; await_port handover $! "$HANDOVER_TLS_PORT" ;;
    nginx)
      nginx -c "$WORK/nginx.conf" -p "$WORK" > "$WORK/nginx.log" 2>&1 &
      PIDS+=($!); PID_OF[nginx]=$!; PORT[nginx]=$NGINX_PORT; PLAIN[nginx]=$NGINX_PLAIN_PORT; await_port nginx $! "$NGINX_PORT" ;;
    *) say "unknown target $target"; exit 2 ;;
  esac
done

run() { # target protocol -> "req/s cpu_us_per_req"
  local url="https://127.0.0.1:${PORT[$1]}/small" before after out rps n
  before=$(ticks "${PID_OF[$1]}")
  [ "$2" = http ] && url="http://127.0.0.1:${PLAIN[$1]}/small"
  if [ "$2" != h2 ]; then
    out=$(wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" "$url")
    rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
    n=$(awk '/requests in/ {print $1}' <<< "$out")
    if grep -q "Non-2xx\|Socket errors" <<< "$out"; then say "$1 $2: $(grep -E 'Non-2xx|Socket errors' <<< "$out")"; fi
  else
    out=$(h2load -t 2 -c "$CONNECTIONS" -m "$STREAMS" -D "$DURATION" "$url")
    rps=$(awk '/^finished in/ {gsub(",", "", $4); print $4}' <<< "$out")
    n=$(awk '/^status codes:/ {print $3}' <<< "$out")
    fail=$(awk '/^requests:/ {print $10}' <<< "$out")
    [ "${fail:-0}" = 0 ] || say "$1 $2: $fail failed requests"
  fi
  after=$(ticks "${PID_OF[$1]}")
  local hz; hz=$(getconf CLK_TCK)
  echo "$rps $(awk -v t=$((after - before)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')"
}

# warm-up (the JIT, TLS sessions), unmeasured
for target in $TARGETS; do
  for proto in $PROTOCOLS; do DURATION=3 run "$target" "$proto" > /dev/null; done
done

declare -A RESULTS
for round in $(seq "$ROUNDS"); do
  for proto in $PROTOCOLS; do
    for target in $TARGETS; do
      r=$(run "$target" "$proto")
      say "round $round $proto $target: $r"
      RESULTS[$proto,$target]+="$r"$'\n'
    done
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
printf '| protocol | target | req/s (median of %s) | CPU µs per request |\n|---|---|---|---|\n' "$ROUNDS"
for proto in $PROTOCOLS; do
  for target in $TARGETS; do
    rps=$(printf '%s' "${RESULTS[$proto,$target]}" | awk 'NF {print $1}' | median)
    cpu=$(printf '%s' "${RESULTS[$proto,$target]}" | awk 'NF {print $2}' | median)
    case "$proto" in
      http) label="plain HTTP/1.1 (wrk)" ;; https) label="HTTPS (HTTP/1.1, wrk)" ;; *) label="HTTP/2 over TLS (h2load -m $STREAMS)" ;;
    esac
    printf '| %s | %s | %.0f | %s |\n' "$label" "$target" "$rps" "$cpu"
  done
done
