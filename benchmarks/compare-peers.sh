#!/usr/bin/env bash
# Compares Handover with nginx and HAProxy as reverse proxies, with wrk, all on 127.0.0.1.
#
# One backend (nginx serving a fixed 100-byte body at /small and a 64 KiB file at /large) sits behind
# each proxy: Handover (distribution/target/handover/bin/handover, ioThreads = N), nginx (upstream
# keepalive, worker_processes N) and HAProxy (nbthread N, http-reuse always). wrk loads the backend
# directly and through each proxy, interleaved, for several rounds, and the script prints the median
# req/s, p50, p99, errors, CPU time per request (user + system of the target's processes over the
# run, from /proc/<pid>/stat) and RSS of each, with ratios to direct and Handover/nginx. The target
# "undertow" is Undertow's own ProxyHandler + LoadBalancingProxyClient and nothing else
# (benchmarks/.../BareUndertowProxy, same JAVA_OPTS as Handover): the floor of this stack.
# With STRACE=1, after the rounds each proxy is run once more per path under `strace -c -f` and the
# system calls per request are printed (strace slows the run: its req/s are not comparable).
#
# Settings (environment):
#   DURATION=10      seconds per wrk run            CONNECTIONS=64   wrk -c
#   ROUNDS=3         interleaved rounds             THREADS=2        wrk -t
#   PROXY_THREADS=2  N for every proxy              BACKEND_WORKERS=2  nginx backend workers
#   WARMUP=5         seconds of unmeasured load per target and path before round 1
#   PATHS="/small /large"   TARGETS="direct handover nginx haproxy" (also: undertow, baseline)
#   BASE_PORT=18080  ports BASE_PORT+1..+8 are used
#   STRACE=0         1: count system calls per request under strace -c -f (STRACE_DURATION=3 s each)
#   BENCH_JAR=<repo>/benchmarks/target/benchmarks.jar, for the target undertow
#                    (mvn -q -pl benchmarks -am package -DskipTests)
#   HANDOVER_HOME=<repo>/distribution/target/handover   HANDOVER_JAVA_OPTS (default: the distribution's)
#   BASELINE_HOME=<an unpacked Handover of another commit>: adds the target "baseline", that build
#                    side by side with this one (e.g. before and after a change, in one run)
#   BASELINE_JAVA_OPTS (default: HANDOVER_JAVA_OPTS): the baseline's; with BASELINE_HOME the same
#                    build, this compares two JVM settings side by side
#   RESULTS=<file>   also write every run as CSV there;  KEEP=1 keeps the temp folder (configs, logs)
#
# Needs: wrk, nginx, haproxy (apt-get install -y wrk nginx-light haproxy), java 17, and the
# distribution (mvn -q -pl distribution -am package -DskipTests). Everything it starts is stopped by
# pid on exit, Ctrl-C or error.
set -euo pipefail

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
PROXY_THREADS=${PROXY_THREADS:-2}
BACKEND_WORKERS=${BACKEND_WORKERS:-2}
WARMUP=${WARMUP:-5}
PATHS=${PATHS:-"/small /large"}
TARGETS=${TARGETS:-"direct handover nginx haproxy"}
BASE_PORT=${BASE_PORT:-18080}
KEEP=${KEEP:-0}
RESULTS=${RESULTS:-}
STRACE=${STRACE:-0}
STRACE_DURATION=${STRACE_DURATION:-3}

here=$(cd "$(dirname "$0")" && pwd)
HANDOVER_HOME=${HANDOVER_HOME:-$here/../distribution/target/handover}
BENCH_JAR=${BENCH_JAR:-$here/target/benchmarks.jar}

BACKEND_PORT=$((BASE_PORT + 1))
HANDOVER_PORT=$((BASE_PORT + 2))
ADMIN_PORT=$((BASE_PORT + 3))
NGINX_PORT=$((BASE_PORT + 4))
HAPROXY_PORT=$((BASE_PORT + 5))
BASELINE_PORT=$((BASE_PORT + 6))
BASELINE_ADMIN_PORT=$((BASE_PORT + 7))
UNDERTOW_PORT=$((BASE_PORT + 8))

say() { printf '%s\n' "$*" >&2; }

# --- what is installed -------------------------------------------------------------------------
missing=0
for tool in wrk nginx haproxy java; do
  if path=$(command -v "$tool" 2>/dev/null); then
    case "$tool" in
      wrk) version=$( (wrk --version 2>&1 || true) | head -1 | cut -c1-40) ;;
      nginx) version=$( (nginx -v 2>&1 || true) | head -1) ;;
      haproxy) version=$( (haproxy -v 2>&1 || true) | head -1 | cut -c1-40) ;;
      java) version=$( (java -version 2>&1 || true) | head -1) ;;
    esac
    say "found $tool: $path ($version)"
  else
    say "missing $tool"
    missing=1
  fi
done
if [ "$missing" = 1 ]; then
  say "install the missing tools with: apt-get update && apt-get install -y wrk nginx-light haproxy (and a Java 17 JDK)"
  exit 2
fi
if [ ! -x "$HANDOVER_HOME/bin/handover" ]; then
  say "no Handover distribution at $HANDOVER_HOME; build it with: mvn -q -pl distribution -am package -DskipTests"
  exit 2
fi
if [[ " $TARGETS " == *" undertow "* ]] && [ ! -f "$BENCH_JAR" ]; then
  say "the target undertow needs $BENCH_JAR; build it with: mvn -q -pl benchmarks -am package -DskipTests"
  exit 2
fi
if [ "$STRACE" = 1 ] && ! command -v strace >/dev/null 2>&1; then
  say "STRACE=1 needs strace (apt-get install -y strace)"
  exit 2
fi
for port in "$BACKEND_PORT" "$HANDOVER_PORT" "$ADMIN_PORT" "$NGINX_PORT" "$HAPROXY_PORT" "$UNDERTOW_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    say "port $port on 127.0.0.1 is taken; choose another BASE_PORT"
    exit 2
  fi
done

# more connections than the default soft limit allows may be asked for
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# --- start and stop ----------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/handover-peers.XXXXXX)
PIDS=()
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$KEEP" = 1 ]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

await_port() { # name pid port
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$2" 2>/dev/null; then
      say "$1 exited before listening on $3; its log:"
      tail -20 "$WORK/$1.log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  say "$1 did not listen on $3 within 30 s"
  exit 1
}

# Temp paths of the nginx modules compiled in, inside the work folder.
nginx_temp_paths() {
  local v
  v=$(nginx -V 2>&1)
  mkdir -p "$WORK/tmp/$1"
  echo "client_body_temp_path $WORK/tmp/$1/body; proxy_temp_path $WORK/tmp/$1/proxy;"
  for m in fastcgi uwsgi scgi; do
    case "$v" in *"--without-http_${m}_module"*) ;; *) echo "${m}_temp_path $WORK/tmp/$1/$m;" ;; esac
  done
}

mkdir -p "$WORK/www"
head -c 100 /dev/zero | tr '\0' 'a' > "$WORK/www/small"
head -c 65536 /dev/zero | tr '\0' 'b' > "$WORK/www/large"
# nginx workers run as an unprivileged user when started as root: they must read the files
chmod 755 "$WORK" "$WORK/www"
chmod 644 "$WORK/www/small" "$WORK/www/large"

cat > "$WORK/backend.conf" <<EOF
daemon off;
worker_processes $BACKEND_WORKERS;
pid $WORK/backend.pid;
error_log $WORK/backend.log warn;
events { worker_connections 8192; }
http {
  $(nginx_temp_paths backend)
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  open_file_cache max=16;
  default_type text/plain;
  server {
    listen 127.0.0.1:$BACKEND_PORT backlog=4096;
    root $WORK/www;
    location = /small { }
    location = /large { }
  }
}
EOF

cat > "$WORK/nginx.conf" <<EOF
daemon off;
worker_processes $PROXY_THREADS;
pid $WORK/nginx.pid;
error_log $WORK/nginx.log warn;
events { worker_connections 8192; }
http {
  $(nginx_temp_paths nginx)
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 512;
    keepalive_requests 100000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 16k;
      proxy_buffers 8 16k;
    }
  }
}
EOF

cat > "$WORK/haproxy.cfg" <<EOF
global
  nbthread $PROXY_THREADS
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend proxy
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend service
backend service
  server backend 127.0.0.1:$BACKEND_PORT
EOF

cat > "$WORK/handover.json" <<EOF
{"proxy":{"port":$HANDOVER_PORT,"bindAddress":"127.0.0.1","ioThreads":$PROXY_THREADS},
 "configService":{"port":$ADMIN_PORT,"bindAddress":"127.0.0.1"},
 "cluster":{"servers":[{"hostname":"127.0.0.1","port":$BACKEND_PORT}],"version":"1.0","upgradeTransition":{"mode":"INSTANT"}}}
EOF

sed -e "s/$HANDOVER_PORT/$BASELINE_PORT/; s/$ADMIN_PORT/$BASELINE_ADMIN_PORT/" "$WORK/handover.json" > "$WORK/baseline.json"

nginx -p "$WORK" -e "$WORK/backend.log" -c "$WORK/backend.conf" >> "$WORK/backend.log" 2>&1 &
PIDS+=($!)
await_port backend $! "$BACKEND_PORT"

declare -A PORT=([direct]=$BACKEND_PORT)
# for direct, the backend: its CPU time per request is shown, not its RSS
declare -A PID_OF=([direct]=${PIDS[0]})
for target in $TARGETS; do
  case "$target" in
    direct) ;;
    handover)
      if [ -n "${HANDOVER_JAVA_OPTS:-}" ]; then export JAVA_OPTS="$HANDOVER_JAVA_OPTS"; else unset JAVA_OPTS; fi
      "$HANDOVER_HOME/bin/handover" run --config-file "$WORK/handover.json" > "$WORK/handover.log" 2>&1 &
      PIDS+=($!); PID_OF[handover]=$!; PORT[handover]=$HANDOVER_PORT
      await_port handover $! "$HANDOVER_PORT" ;;
    baseline)
      [ -x "${BASELINE_HOME:-}/bin/handover" ] || { say "target baseline needs BASELINE_HOME=<an unpacked Handover>"; exit 2; }
      if [ -n "${BASELINE_JAVA_OPTS:-${HANDOVER_JAVA_OPTS:-}}" ]; then export JAVA_OPTS="${BASELINE_JAVA_OPTS:-$HANDOVER_JAVA_OPTS}"; else unset JAVA_OPTS; fi
      "$BASELINE_HOME/bin/handover" run --config-file "$WORK/baseline.json" > "$WORK/baseline.log" 2>&1 &
      PIDS+=($!); PID_OF[baseline]=$!; PORT[baseline]=$BASELINE_PORT
      await_port baseline $! "$BASELINE_PORT" ;;
    nginx)
      nginx -p "$WORK" -e "$WORK/nginx.log" -c "$WORK/nginx.conf" >> "$WORK/nginx.log" 2>&1 &
      PIDS+=($!); PID_OF[nginx]=$!; PORT[nginx]=$NGINX_PORT
      await_port nginx $! "$NGINX_PORT" ;;
    haproxy)
      haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
      PIDS+=($!); PID_OF[haproxy]=$!; PORT[haproxy]=$HAPROXY_PORT
      await_port haproxy $! "$HAPROXY_PORT" ;;
    undertow)
      # logging as Handover's (without a configuration Logback logs every Undertow debug line)
      # and with the distribution's default JAVA_OPTS, read from its start script
      dist_java_opts=$(sed -n 's/^: "\${JAVA_OPTS:=\(.*\)}"$/\1/p' "$HANDOVER_HOME/bin/handover")
      # shellcheck disable=SC2086
      java ${HANDOVER_JAVA_OPTS:-$dist_java_opts} \
        -Dlogback.configurationFile="$HANDOVER_HOME/conf/logback.xml" -cp "$BENCH_JAR" \
        io.handover.benchmarks.BareUndertowProxy "$UNDERTOW_PORT" "127.0.0.1:$BACKEND_PORT" "$PROXY_THREADS" > "$WORK/undertow.log" 2>&1 &
      PIDS+=($!); PID_OF[undertow]=$!; PORT[undertow]=$UNDERTOW_PORT
      await_port undertow $! "$UNDERTOW_PORT" ;;
    *) say "unknown target $target (use direct, handover, baseline, undertow, nginx, haproxy)"; exit 2 ;;
  esac
done

# Resident memory of a target's processes (a master and its workers for nginx), in MiB.
rss_mib() {
  local pid=${PID_OF[$1]:-}
  [ -n "$pid" ] && [ "$1" != direct ] || { echo "-"; return; }
  ps -o rss= --pid "$pid" --ppid "$pid" 2>/dev/null | awk '{s+=$1} END {printf "%.0f", s/1024}'
}

# A target's processes: its pid and, for nginx, the workers under it.
target_pids() {
  local pid=${PID_OF[$1]:-}
  [ -n "$pid" ] || return 0
  echo "$pid"
  pgrep -P "$pid" 2>/dev/null || true
}

CLK_TCK=$(getconf CLK_TCK)
# CPU time (user + system, in clock ticks) the target's processes have used so far.
cpu_ticks() {
  local total=0 pid t
  for pid in $(target_pids "$1"); do
    # fields 14 and 15 of /proc/<pid>/stat, counted after the command name in parentheses
    t=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# wrk output -> "req_per_s p50_ms p99_ms errors requests"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v
    }
    /Requests\/sec:/ { rps = $2 }
    / requests in / { requests = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { errors += $5 }
    END { printf "%s %.3f %.3f %d %d\n", (rps == "" ? 0 : rps), p50, p99, errors, requests }
  ' "$1"
}

run_wrk() { # target path seconds outfile
  timeout $(($3 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3"s --latency "http://127.0.0.1:${PORT[$1]}$2" > "$4" 2>&1 || true
}

total=$(( ROUNDS * $(wc -w <<< "$PATHS") * $(wc -w <<< "$TARGETS") * DURATION + $(wc -w <<< "$PATHS") * $(wc -w <<< "$TARGETS") * WARMUP ))
say "running: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency; $ROUNDS rounds; proxies with N=$PROXY_THREADS; about ${total}s of load"

mkdir -p "$WORK/runs"
if [ "$WARMUP" -gt 0 ]; then
  for path in $PATHS; do
    for target in $TARGETS; do
      run_wrk "$target" "$path" "$WARMUP" "$WORK/runs/warmup-$target-${path#/}.txt"
    done
  done
fi

targets=($TARGETS)
echo "round,path,target,req_per_s,p50_ms,p99_ms,errors,rss_mib,requests,cpu_us_per_req" > "$WORK/runs.csv"
for round in $(seq "$ROUNDS"); do
  for path in $PATHS; do
    # rotate the order every round so no target always runs first or last
    n=${#targets[@]}
    for i in $(seq 0 $((n - 1))); do
      target=${targets[$(( (i + round - 1) % n ))]}
      out="$WORK/runs/$round-$target-${path#/}.txt"
      before=$(cpu_ticks "$target")
      run_wrk "$target" "$path" "$DURATION" "$out"
      after=$(cpu_ticks "$target")
      read -r rps p50 p99 errors requests <<< "$(parse_wrk "$out")"
      cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
      rss=$(rss_mib "$target")
      echo "$round,$path,$target,$rps,$p50,$p99,$errors,$rss,$requests,$cpu" >> "$WORK/runs.csv"
      printf '  round %d %-7s %-9s %10.0f req/s  p50 %8.3f ms  p99 %8.3f ms  errors %d  CPU %6.1f us/req  RSS %s MiB\n' \
        "$round" "$path" "$target" "$rps" "$p50" "$p99" "$errors" "$cpu" "$rss" >&2
    done
  done
done
if [ -n "$RESULTS" ]; then
  cp "$WORK/runs.csv" "$RESULTS"
fi

# --- the table: medians over rounds ------------------------------------------------------------
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, $ROUNDS interleaved rounds, proxies N=$PROXY_THREADS; medians (min-max of req/s)"
awk -F, -v targets="$TARGETS" -v paths="$PATHS" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    if (n == 0) return 0
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function minmax(list,   a, n, i, lo, hi) {
    n = split(list, a, " "); lo = a[1]; hi = a[1]
    for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
    return sprintf("%.0f-%.0f", lo, hi)
  }
  NR > 1 {
    k = $2 SUBSEP $3
    rps[k] = rps[k] " " $4; p50[k] = p50[k] " " $5; p99[k] = p99[k] " " $6; err[k] += $7; cpu[k] = cpu[k] " " $10
    if ($8 != "-" && $8 + 0 > rss[k]) rss[k] = $8
  }
  END {
    printf "%-7s %-9s %10s %15s %9s %9s %7s %10s %9s %8s\n", "path", "target", "req/s", "range", "p50 ms", "p99 ms", "errors", "CPU us/req", "max RSS", "/direct"
    np = split(paths, P, " "); nt = split(targets, T, " ")
    for (i = 1; i <= np; i++) {
      d = median(rps[P[i] SUBSEP "direct"])
      for (j = 1; j <= nt; j++) {
        k = P[i] SUBSEP T[j]
        if (!(k in rps)) continue
        m = median(rps[k])
        printf "%-7s %-9s %10.0f %15s %9.3f %9.3f %7d %10.1f %9s %8s\n", P[i], T[j], m, minmax(rps[k]), median(p50[k]), median(p99[k]), err[k], median(cpu[k]), \
          (T[j] == "direct" ? "-" : (rss[k] == "" ? "-" : rss[k] " MiB")), (d > 0 && T[j] != "direct" ? sprintf("%.2f", m / d) : "-")
      }
      h = P[i] SUBSEP "handover"; g = P[i] SUBSEP "nginx"
      if ((h in rps) && (g in rps) && median(rps[g]) > 0)
        printf "%-7s Handover/nginx: throughput %.2f, p99 %.2f, CPU per request %.2f\n", P[i], median(rps[h]) / median(rps[g]), median(p99[h]) / (median(p99[g]) > 0 ? median(p99[g]) : 1), median(cpu[h]) / (median(cpu[g]) > 0 ? median(cpu[g]) : 1)
      b = P[i] SUBSEP "baseline"
      if ((h in rps) && (b in rps) && median(rps[b]) > 0)
        printf "%-7s Handover/baseline: throughput %.2f, p99 %.2f\n", P[i], median(rps[h]) / median(rps[b]), median(p99[h]) / (median(p99[b]) > 0 ? median(p99[b]) : 1)
    }
  }
' "$WORK/runs.csv"
echo "errors: wrk socket errors (connect, read, write, timeout) + non-2xx responses, summed over rounds"
echo "CPU us/req: user + system time of the target's processes during the run / requests (for direct: the backend's)"

# --- system calls per request, under strace ------------------------------------------------------
if [ "$STRACE" = 1 ]; then
  echo
  echo "system calls per request under strace -c -f, wrk -t$THREADS -c$CONNECTIONS -d${STRACE_DURATION}s (slowed by strace)"
  for path in $PATHS; do
    for target in $TARGETS; do
      [ "$target" != direct ] || continue
      args=()
      for pid in $(target_pids "$target"); do args+=(-p "$pid"); done
      strace -c -f -q -o "$WORK/strace-$target-${path#/}.txt" "${args[@]}" 2>/dev/null &
      spid=$!; PIDS+=($spid)
      sleep 1
      out="$WORK/runs/strace-$target-${path#/}.txt"
      run_wrk "$target" "$path" "$STRACE_DURATION" "$out"
      kill -INT "$spid" 2>/dev/null || true
      wait "$spid" 2>/dev/null || true
      read -r _ _ _ _ requests <<< "$(parse_wrk "$out")"
      awk -v n="$requests" -v t="$target" -v p="$path" '
        # % time, seconds, usecs/call, calls, [errors,] syscall
        $1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { c[$NF] = $4; e[$NF] = (NF == 6 ? $5 : 0); total += $4 }
        END {
          if (n <= 0) { printf "%-7s %-9s no requests\n", p, t; exit }
          line = ""
          for (k in c) if (c[k] / n >= 0.05) line = line sprintf(" %s %.2f%s", k, c[k] / n, e[k] > 0 ? sprintf(" (%.2f failed)", e[k] / n) : "")
          printf "%-7s %-9s %6.2f per request:%s\n", p, t, total / n, line
        }' "$WORK/strace-$target-${path#/}.txt"
    done
  done
fi
