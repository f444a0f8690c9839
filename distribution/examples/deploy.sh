#!/bin/sh
# A continuous-delivery step: add a new version in CONCURRENT mode, wait until the evidence
# promotes it, then remove the older versions. Exits 1 when the new version was rolled back or
# was not promoted in time (its rollout is then aborted), 2 on a usage or connection problem.
#
#   deploy.sh VERSION HOST:PORT [HOST:PORT...]
#
# Environment:
#   HANDOVER            the handover command (default: handover on the PATH)
#   HANDOVER_ADMIN_URL  the admin API (default: http://127.0.0.1:9090); HANDOVER_TOKEN its token
#   MATCHES             mirrored requests in a row that must match before promotion (default 200)
#   COMPARATORS         what must match, as JSON (default ["status","body"])
#   TIMEOUT             seconds to wait for the promotion (default 600)
#   INTERVAL            seconds between polls (default 5)
#
# Needs only a POSIX shell, sed and tr; it reads the CLI's JSON output (-o json).
set -eu

HANDOVER=${HANDOVER:-handover}
MATCHES=${MATCHES:-200}
COMPARATORS=${COMPARATORS:-'["status","body"]'}
TIMEOUT=${TIMEOUT:-600}
INTERVAL=${INTERVAL:-5}

if [ $# -lt 2 ]; then
  echo "usage: deploy.sh VERSION HOST:PORT [HOST:PORT...]" >&2
  exit 2
fi
version=$1
shift

say() { echo "deploy: $*" >&2; }
hv() { $HANDOVER "$@"; }
# A JSON answer as one "key":value per line, without blanks, so that sed can read fields out of it.
lines() { tr -d ' \t\n' | tr ',{}[]' '\n\n\n\n\n'; }
# The first value of a key: field KEY < lines
field() { sed -n "s/^\"$1\":\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" | head -n 1; }

# The versions there before, to remove once the new one is promoted.
old=$(hv cluster list -o json | lines | sed -n 's/^"uuid":"\([^"]*\)"$/\1/p')

servers=""
for s in "$@"; do
  host=${s%:*}
  port=${s##*:}
  case "$port" in
    ''|*[!0-9]*) say "$s: expected HOST:PORT"; exit 2 ;;
  esac
  servers="$servers${servers:+,}{\"hostname\":\"$host\",\"port\":$port}"
done

file=$(mktemp)
trap 'rm -f "$file"' EXIT
cat > "$file" <<JSON
{"cluster": {
  "version": "$version",
  "servers": [$servers],
  "upgradeTransition": {"mode": "CONCURRENT", "comparators": $COMPARATORS},
  "promote": [{"when": {"consecutiveMatches": $MATCHES}, "to": {"mode": "INSTANT"}}]
}}
JSON

id=$(hv cluster add --file "$file" -o json | lines | field uuid)
say "added version $version as $id in CONCURRENT; waiting for $MATCHES matching answers in a row"

waited=0
while :; do
  status=$(hv cluster status "$id" -o json | lines)
  state=$(printf '%s\n' "$status" | field state)
  mode=$(printf '%s\n' "$status" | field mode)
  if [ "$state" = "ROLLED_BACK" ]; then
    say "version $version was rolled back; it stays registered for inspection:"
    hv cluster status "$id" >&2
    hv cluster get "$id" -o json | sed -n 's/.*"stateReason" *: *"\(.*\)".*/deploy: reason: \1/p' >&2
    exit 1
  fi
  if [ "$mode" = "INSTANT" ]; then
    say "version $version was promoted to INSTANT"
    break
  fi
  if [ "$waited" -ge "$TIMEOUT" ]; then
    say "version $version was not promoted within $TIMEOUT s; aborting its rollout"
    hv cluster abort "$id" >/dev/null
    exit 1
  fi
  matches=$(printf '%s\n' "$status" | field consecutiveMatches)
  say "still $mode: ${matches:-0} of $MATCHES matches in a row"
  sleep "$INTERVAL"
  waited=$((waited + INTERVAL))
done

for o in $old; do
  hv cluster remove "$o" >/dev/null
  say "removed the older version $o"
done
say "done: version $version serves all traffic"
