#!/usr/bin/env bash
# GitSource benchmark (not a test): a generated repository of 5,000 manifest files with 50 commits, served by
# git-daemon on 127.0.0.1. Times, in the same run and on the same machine:
#   first clone   gitcanary source --revision-only (empty cache)   vs  git clone --bare   (and git clone, for reference)
#   no change     gitcanary source --revision-only (warm cache)    vs  git fetch in the bare clone
#   no change, HTTPS: the same over https:// (git http-backend behind socat TLS, a throwaway CA): what a GitOps
#                 user's remote (GitHub, GitLab) looks like; both clients load the system CA bundle + the test CA
#   full read     gitcanary source (fetch + decode all 5,000 files, warm Git cache), for reference; and the same
#                 read again with the decoded-manifest cache warm (no file decoded)
#   start-up      gitcanary --version (process start, no Git work) and the in-process fetch time from --output json
# Prints the median of RUNS runs of each and the ratios. Usage: bench/git/run.sh [RUNS] (default 7); BIN=path uses a
# binary already built (default: a release build with the static Swift standard library).
# The binary is linked with --static-swift-stdlib (as a CronJob image would ship it): start-up is part of every run.
set -euo pipefail
RUNS=${1:-7}
FILES=5000
COMMITS=50
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/gitcanary-bench-git.XXXXXX)
DAEMON_PID=""; HTTP_PID=""; TLS_PID=""
cleanup() {
  for pid in $DAEMON_PID $HTTP_PID $TLS_PID; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${BIN:-}" ]; then   # BIN=path uses a binary already built
  echo "building release binary..." >&2
  (cd "$ROOT" && swift build -c release --static-swift-stdlib --product gitcanary >/dev/null)
  BIN="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)/gitcanary"
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$WORK"
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

echo "generating $FILES files x $COMMITS commits..." >&2
SRC="$WORK/src"
git init -q -b main "$SRC"
python3 - "$SRC" "$FILES" <<'PY'
import os, sys
root, files = sys.argv[1], int(sys.argv[2])
for i in range(files):
    d = os.path.join(root, "apps", "team%02d" % (i % 50), "app%03d" % (i // 50 % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "m%04d.yaml" % i), "w") as f:
        f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  namespace: team%02d\n  labels:\n    app: app%03d\ndata:\n  revision: \"0\"\n  payload: \"%s\"\n" % (i, i % 50, i // 50 % 100, "x" * 200))
PY
git -C "$SRC" add -A && git -C "$SRC" commit -q -m "commit 1"
for c in $(seq 2 "$COMMITS"); do
  python3 - "$SRC" "$FILES" "$c" <<'PY'
import os, sys
root, files, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range((c * 97) % files, files, files // 100):   # ~100 files change per commit
    p = os.path.join(root, "apps", "team%02d" % (i % 50), "app%03d" % (i // 50 % 100), "m%04d.yaml" % i)
    text = open(p).read().replace('revision: "%d"' % (c - 2), 'revision: "%d"' % (c - 1))
    text = text.split("  revision:")[0] + '  revision: "%d"\n  payload: "%s"\n' % (c - 1, "y" * 200)
    open(p, "w").write(text)
PY
  git -C "$SRC" commit -q -am "commit $c"
done
mkdir -p "$WORK/served"
git clone -q --bare "$SRC" "$WORK/served/repo.git"
git -C "$WORK/served/repo.git" gc -q

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$(git --exec-path)/git-daemon" --base-path="$WORK/served" --export-all --listen=127.0.0.1 --port="$PORT" --reuseaddr "$WORK/served" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.05; done
URL="git://127.0.0.1:$PORT/repo.git"
SIZE=$(du -sk "$WORK/served/repo.git" | cut -f1)
echo "repository: $FILES files, $COMMITS commits, ${SIZE} KiB packed, served at $URL" >&2

# HTTPS: the tests' smart-HTTP server (its Python source lives in Sources/TestSupport/GitHTTPBackendScript.swift)
# behind socat terminating TLS with a certificate for DNS:localhost signed by a throwaway CA.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TLS="$WORK/tls"; mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TLS/ca.key" -out "$TLS/ca.pem" -days 2 -subj "/CN=GitCanary Bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TLS/server.key" -out "$TLS/server.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$TLS/server.ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -out "$TLS/server.pem" -days 2 -extfile "$TLS/server.ext" 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt "$TLS/ca.pem" >"$TLS/bundle.pem"
python3 - "$ROOT/Sources/TestSupport/GitHTTPBackendScript.swift" >"$WORK/git-http-server.py" <<'PY'
import sys
text = open(sys.argv[1]).read()
print(text.split('#"""', 1)[1].split('"""#', 1)[0].strip("\n"))
PY
HPORT=$(free_port); TPORT=$(free_port)
python3 "$WORK/git-http-server.py" "$WORK/served" "$HPORT" >"$WORK/http.log" 2>&1 &
HTTP_PID=$!
socat "OPENSSL-LISTEN:$TPORT,bind=127.0.0.1,reuseaddr,fork,cert=$TLS/server.pem,key=$TLS/server.key,verify=0" "TCP:127.0.0.1:$HPORT" >"$WORK/socat.log" 2>&1 &
TLS_PID=$!
for p in "$HPORT" "$TPORT"; do for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$p") 2>/dev/null && break; sleep 0.05; done; done
HURL="https://localhost:$TPORT/repo.git"

now_ms() { date +%s%N | cut -c1-13; }
time_ms() { local s e; s=$(now_ms); "$@" >/dev/null 2>"$WORK/last.err" || { cat "$WORK/last.err" >&2; exit 1; }; e=$(now_ms); echo $((e - s)); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

declare -A T
for kind in gc_clone git_clone_bare git_clone gc_nochange git_fetch gc_full gc_full_warm gc_start gc_inproc gc_https git_https; do T[$kind]=""; done
rm -rf "$WORK/hc" "$WORK/hb"
"$BIN" source --repo "$HURL" --cache-dir "$WORK/hc" --git-ca-file "$TLS/ca.pem" --revision-only >/dev/null
GIT_SSL_CAINFO="$TLS/bundle.pem" git clone -q --bare "$HURL" "$WORK/hb"
for r in $(seq "$RUNS"); do
  rm -rf "$WORK/c" "$WORK/b" "$WORK/w"
  T[gc_clone]+="$(time_ms "$BIN" source --repo "$URL" --cache-dir "$WORK/c" --revision-only) "
  T[git_clone_bare]+="$(time_ms git clone -q --bare "$URL" "$WORK/b") "
  T[git_clone]+="$(time_ms git clone -q "$URL" "$WORK/w") "
  T[gc_nochange]+="$(time_ms "$BIN" source --repo "$URL" --cache-dir "$WORK/c" --revision-only) "
  T[git_fetch]+="$(time_ms git -C "$WORK/b" fetch -q origin) "
  rm -f "$WORK"/c/*.decoded-*   # decode every file (the decoded-manifest cache is empty)
  T[gc_full]+="$(time_ms "$BIN" source --repo "$URL" --cache-dir "$WORK/c" --output json) "
  T[gc_full_warm]+="$(time_ms "$BIN" source --repo "$URL" --cache-dir "$WORK/c" --output json) "
  T[gc_start]+="$(time_ms "$BIN" --version) "
  T[gc_https]+="$(time_ms "$BIN" source --repo "$HURL" --cache-dir "$WORK/hc" --git-ca-file "$TLS/ca.pem" --revision-only) "
  T[git_https]+="$(time_ms env GIT_SSL_CAINFO="$TLS/bundle.pem" git -C "$WORK/hb" fetch -q origin) "
  T[gc_inproc]+="$("$BIN" source --repo "$URL" --cache-dir "$WORK/c" --revision-only --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fetch"]["milliseconds"])') "
done
# Transfer check: the no-change run must receive nothing.
OBJECTS=$("$BIN" source --repo "$URL" --cache-dir "$WORK/c" --revision-only --output json | python3 -c 'import json,sys; d=json.load(sys.stdin)["fetch"]; print(d["cache"], d["receivedObjects"])')

m() { echo "${T[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
GC_CLONE=$(m gc_clone); GIT_BARE=$(m git_clone_bare); GIT_CLONE=$(m git_clone)
GC_NOCHANGE=$(m gc_nochange); GIT_FETCH=$(m git_fetch); GC_HTTPS=$(m gc_https); GIT_HTTPS=$(m git_https); GC_FULL=$(m gc_full); GC_FULL_WARM=$(m gc_full_warm); GC_START=$(m gc_start); GC_INPROC=$(m gc_inproc)
ratio() { python3 -c "print('%.2f' % ($1 / max($2, 1)))"; }
echo
echo "GitSource benchmark: $FILES files, $COMMITS commits, median of $RUNS runs (ms), git $(git --version | cut -d' ' -f3), $(nproc) cores"
printf '%-46s %8s\n' "first clone: gitcanary source --revision-only" "$GC_CLONE"
printf '%-46s %8s\n' "first clone: git clone --bare" "$GIT_BARE"
printf '%-46s %8s\n' "first clone: git clone (with checkout)" "$GIT_CLONE"
printf '%-46s %8s\n' "no change:   gitcanary source --revision-only" "$GC_NOCHANGE"
printf '%-46s %8s\n' "no change:   git fetch" "$GIT_FETCH"
printf '%-46s %8s\n' "no change:   gitcanary fetch, in-process" "$GC_INPROC"
printf '%-46s %8s\n' "no change, https: gitcanary source" "$GC_HTTPS"
printf '%-46s %8s\n' "no change, https: git fetch" "$GIT_HTTPS"
printf '%-46s %8s\n' "start-up:    gitcanary --version" "$GC_START"
printf '%-46s %8s\n' "full read:   gitcanary source (5,000 files)" "$GC_FULL"
printf '%-46s %8s\n' "full read:   same, decoded-manifest cache warm" "$GC_FULL_WARM"
echo "ratio first clone  gitcanary / git clone --bare = $(ratio "$GC_CLONE" "$GIT_BARE")   (target <= 1.5)"
echo "ratio first clone  gitcanary / git clone        = $(ratio "$GC_CLONE" "$GIT_CLONE")"
echo "ratio no change    gitcanary / git fetch        = $(ratio "$GC_NOCHANGE" "$GIT_FETCH")   (target <= 1.0)"
echo "ratio no change    gitcanary in-process / git fetch = $(ratio "$GC_INPROC" "$GIT_FETCH")"
echo "ratio no change, https  gitcanary / git fetch  = $(ratio "$GC_HTTPS" "$GIT_HTTPS")   (target <= 1.0)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "no-change run: cache=$(echo "$OBJECTS" | cut -d' ' -f1), received objects=$(echo "$OBJECTS" | cut -d' ' -f2)   (target 0)"
