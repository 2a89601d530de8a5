#!/usr/bin/env bash
# Reconcile benchmark (not a test): N canaries in M namespaces (bench/reconcile/generate.py), one `gitcanary sandbox`,
# the repository served by git-daemon on 127.0.0.1. Each of RUNS rounds starts from an empty cluster and cache and
# measures (wall, CPU = user+sys, peak RSS via /usr/bin/time; API requests by verb from the Sandbox's counters, reset
# before each; bytes = the request and response bodies the Sandbox counted, both ways, HTTP headers not included):
#   first        gitcanary reconcile into an empty cluster (CRDs, namespaces, objects, primaries, services, status)
#   noop         gitcanary reconcile, nothing changed in Git or the cluster (clock +60 s)
#   one-image    gitcanary reconcile after a commit changing one canary's image (clock +60 s)
#   all-images   gitcanary reconcile after a commit changing every image (N writes, N analyses start; clock +60 s)
#   step         gitcanary reconcile, clock +60 s: every canary makes one analysis iteration
#   kubectl get  kubectl get of the same kinds, -A -o json
#   kubectl apply (take-over) / (no-op)   kubectl apply --server-side --force-conflicts --validate=false -R of the
#                manifests, twice: the first takes over the fields GitCanary changed, the second changes nothing
#   git clone / no-op fetch   gitcanary source --revision-only (empty / warm cache) vs git clone --bare / git fetch
# Also the Sandbox's own CPU time during each command ("srv cpu", from /proc), so that client + server CPU can be
# compared when the shared machine's load makes wall times noisy.
# Prints medians, ratios, requests per canary, and checks the issue's targets.
# Usage: N=1000 M=10 RUNS=3 bench/reconcile/run.sh     (defaults as shown; BIN=path skips the build; PROFILE=1 also
# runs the last round's no-op run under `perf record` and writes the top functions to PROFILE_OUT, and keeps the
# recording as PERF_DATA when set; HOLD=file writes the no-op command to file and waits until file is removed;
# STAGES=first,noop,kubectl-apply measures only those stages (for large N; the default `all` is first, noop,
# kubectl-get, one-image, all-images, step, kubectl-apply, git); SANDBOX_PROFILE=file records the Sandbox process
# under `perf record` for the whole benchmark and writes its top functions to that file)
set -euo pipefail
N=${N:-1000}
M=${M:-10}
RUNS=${RUNS:-3}
STAGES=${STAGES:-all}
stage() { [ "$STAGES" = all ] || [[ ",$STAGES," == *",$1,"* ]]; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/gitcanary-bench-reconcile.XXXXXX)
SANDBOX_PID=""
DAEMON_PID=""
cleanup() {
  for p in "$SANDBOX_PID" "$DAEMON_PID"; do
    if [ -n "$p" ]; then kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -x /usr/bin/time ] || { echo "installing GNU time..." >&2; apt-get install -y -qq time >/dev/null; }
command -v kubectl >/dev/null || { echo "kubectl is required" >&2; exit 1; }

if [ -z "${BIN:-}" ]; then   # BIN=path uses a binary already built
  echo "building release binary..." >&2
  (cd "$ROOT" && swift build -c release --product gitcanary >/dev/null)
  BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/gitcanary"
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$WORK"
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One Sandbox for the whole benchmark, its clock frozen and stepped by the script (passed to reconcile as --now).
PORT=$(free_port)
KC="$WORK/kubeconfig"
if [ -n "${SANDBOX_PROFILE:-}" ]; then   # the Sandbox under `perf record` (SIGINT at the end makes perf write its data)
  perf record -F 499 -g -o "$WORK/sandbox.perf.data" -- "$BIN" sandbox --port "$PORT" --kubeconfig-out "$KC" >"$WORK/sandbox.log" 2>&1 &
else
  "$BIN" sandbox --port "$PORT" --kubeconfig-out "$KC" >"$WORK/sandbox.log" 2>&1 &
fi
SANDBOX_PID=$!
API="http://127.0.0.1:$PORT"
for _ in $(seq 200); do curl -sf "$API/healthz" >/dev/null 2>&1 && [ -s "$KC" ] && break; sleep 0.05; done
# The Sandbox process itself (perf's child under SANDBOX_PROFILE): its CPU time is measured around each command.
SANDBOX_PROC=$SANDBOX_PID
if [ -n "${SANDBOX_PROFILE:-}" ]; then SANDBOX_PROC=$(pgrep -P "$SANDBOX_PID" | head -1); fi
sandbox_ticks() { awk '{print $14 + $15}' "/proc/$SANDBOX_PROC/stat" 2>/dev/null || echo 0; }
NOW=1893456000   # 2030-01-01T00:00:00Z
set_clock() { curl -sf -X POST "$API/sandbox/clock" -d "{\"set\":\"$(date -u -d @"$NOW" +%FT%TZ)\",\"freeze\":true}" >/dev/null; }
advance() { NOW=$((NOW + $1)); set_clock; }
set_clock

echo "generating $N canaries in $M namespaces..." >&2
SRC="$WORK/served/repo"
git init -q -b main "$SRC"
python3 "$ROOT/bench/reconcile/generate.py" "$SRC" "$N" "$M" "$API/loadtester/"
git -C "$SRC" add -A && git -C "$SRC" commit -q -m base && git -C "$SRC" tag base
GPORT=$(free_port)
"$(git --exec-path)/git-daemon" --base-path="$WORK/served" --export-all --listen=127.0.0.1 --port="$GPORT" --reuseaddr "$WORK/served" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$GPORT") 2>/dev/null && break; sleep 0.05; done
URL="git://127.0.0.1:$GPORT/repo"
FILES=$(find "$SRC/apps" "$SRC/crds" -name '*.yaml' | wc -l)
echo "repository: $FILES files, $(du -sk "$SRC/.git" | cut -f1) KiB .git, served at $URL; sandbox at $API" >&2

RESULTS="$WORK/results.jsonl"
# measure LABEL ROUND CMD...: one timed command (CMD `reconcile`: gitcanary reconcile at the clock NOW); appends a JSON line to $RESULTS; its stdout is kept in $WORK/out.
measure() {
  local label=$1 round=$2; shift 2
  curl -sf -X POST "$API/sandbox/requests/reset" >/dev/null
  local status=0
  if [ "$1" = reconcile ]; then
    shift
    set -- "$BIN" reconcile --repo "$URL" --ref main --kubeconfig "$KC" --now "$(date -u -d @"$NOW" +%FT%TZ)" \
      --metrics-server "$API/prometheus" --cache-dir "$WORK/cache" --output json --source-name bench --lease-wait 20 "$@"
  fi
  local ticks0; ticks0=$(sandbox_ticks)
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
  local server_cpu; server_cpu=$(awk -v a="$ticks0" -v b="$(sandbox_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { print (b - a) / hz }')
  curl -sf "$API/sandbox/requests" >"$WORK/requests.json"
  python3 - "$label" "$round" "$status" "$server_cpu" "$WORK/time" "$WORK/requests.json" "$WORK/out" >>"$RESULTS" <<'PY'
import json, sys
label, rnd, status, server_cpu, tfile, rfile, ofile = sys.argv[1:8]
wall, user, sys_, rss = open(tfile).read().split()[-4:]
req = json.load(open(rfile))
nbytes = req.get("bytesReceived", 0) + req.get("bytesSent", 0)
row = {"label": label, "round": int(rnd), "status": int(status), "wall": float(wall), "cpu": float(user) + float(sys_),
       "serverCPU": float(server_cpu), "rssMB": int(rss) / 1024, "bytes": int(nbytes), "requests": req}
try:
    doc = json.load(open(ofile))
    if isinstance(doc, dict):
        row["canaries"] = [{"phase": c.get("phase"), "decision": c.get("decision")} for c in doc.get("canaries", [])]
        row["reportRequests"] = doc.get("requests")
        row["timings"] = doc.get("timings")
        row["reused"] = {"plans": doc.get("reusedPlans", 0), "objects": doc.get("reusedObjects", 0)}
        if "fetch" in doc: row["fetch"] = doc["fetch"]
except Exception:
    pass
print(json.dumps(row))
PY
  if [ "$status" != 0 ]; then echo "  $label (round $round) exited $status: $(tail -c 600 "$WORK/err")" >&2; fi
}
commit_images() { python3 "$ROOT/bench/reconcile/generate.py" "$SRC" "$N" "$M" "$API/loadtester/" "$@"; git -C "$SRC" commit -q -am "$*"; }
KINDS="deployments.apps,horizontalpodautoscalers.autoscaling,configmaps,services,canaries.flagger.app"

for r in $(seq "$RUNS"); do
  echo "round $r/$RUNS..." >&2
  # An empty cluster and cache: delete what the previous round made (namespaces take their contents, CRDs their objects).
  kubectl --kubeconfig "$KC" delete ns $(seq -f 'bench-%02g' 0 $((M - 1))) gitcanary-system --ignore-not-found >/dev/null
  kubectl --kubeconfig "$KC" delete crd canaries.flagger.app metrictemplates.flagger.app alertproviders.flagger.app --ignore-not-found >/dev/null
  git -C "$SRC" reset -q --hard base
  rm -rf "$WORK/cache" "$WORK/gc-cache" "$WORK/bare"

  measure first "$r" reconcile
  for _ in 1 2 3; do   # settle: until no canary is still initializing
    python3 -c 'import json,sys; rows=[json.loads(l) for l in open(sys.argv[1])]; c=rows[-1].get("canaries",[]); sys.exit(0 if c and all(x["phase"] in ("Initialized","Succeeded") for x in c) else 1)' "$RESULTS" && break
    advance 60; measure settle "$r" reconcile
  done
  # The first no-op after writes: the memo of verified work (docs/performance.md) was recorded before the last run's
  # writes, so every canary whose namespace was written to is planned in full once more. Then the steady state (a
  # no-op after a no-op, most runs of a CronJob), and the same without the memo.
  advance 60; measure "noop (after writes)" "$r" reconcile
  advance 60; measure noop "$r" reconcile
  measure "noop (no memo)" "$r" reconcile --no-plan-memo
  if [ -n "${HOLD:-}" ] && [ "$r" = "$RUNS" ]; then   # HOLD=file: keep this state for manual no-op runs until file is removed
    printf '%s reconcile --repo %s --ref main --kubeconfig %s --now %s --metrics-server %s --cache-dir %s --output json --source-name bench --lease-wait 20\n' \
      "$BIN" "$URL" "$KC" "$(date -u -d @"$NOW" +%FT%TZ)" "$API/prometheus" "$WORK/cache" >"$HOLD"
    echo "holding: the no-op command is in $HOLD; remove the file to go on" >&2
    while [ -e "$HOLD" ]; do sleep 1; done
  fi
  if [ -n "${PROFILE:-}" ] && [ "$r" = "$RUNS" ]; then   # PROFILE=1: the no-op run once more under `perf record`
    # (valgrind 3.19 crashes on the Swift 6.3 release binary: "Valgrind received a signal 11"; perf works).
    measure profile "$r" perf record -F 499 -g -o "$WORK/perf.data" -- "$BIN" reconcile --repo "$URL" --ref main \
      --kubeconfig "$KC" --now "$(date -u -d @"$NOW" +%FT%TZ)" --metrics-server "$API/prometheus" --cache-dir "$WORK/cache" \
      --output json --source-name bench --lease-wait 20
    { echo "== self time"; perf report -i "$WORK/perf.data" --stdio --no-children --percent-limit 1 -g none 2>/dev/null | grep -v '^[#]' | grep -v '^$' | head -40
      echo "== inclusive time, by symbol"; perf report -i "$WORK/perf.data" --stdio --children --sort symbol --percent-limit 2 -g none 2>/dev/null | grep -v '^[#]' | grep -v '^$' | head -160
    } >"${PROFILE_OUT:-/tmp/gitcanary-noop-profile.txt}" || true
    if [ -n "${PERF_DATA:-}" ]; then cp "$WORK/perf.data" "$PERF_DATA"; fi
  fi
  if stage kubectl-get; then measure "kubectl get" "$r" kubectl --kubeconfig "$KC" get "$KINDS" -A -o json; fi
  if stage one-image; then
    commit_images --image-of 0 6.7.1
    advance 60; measure one-image "$r" reconcile
  fi
  if stage all-images; then
    commit_images --image 6.7.2
    advance 60; measure all-images "$r" reconcile
  fi
  if stage step; then advance 60; measure step "$r" reconcile; fi
  if stage kubectl-apply; then
    measure "kubectl apply (take-over)" "$r" kubectl --kubeconfig "$KC" apply --server-side --force-conflicts --validate=false -R -f "$SRC/crds" -f "$SRC/apps"
    measure "kubectl apply (no-op)" "$r" kubectl --kubeconfig "$KC" apply --server-side --force-conflicts --validate=false -R -f "$SRC/crds" -f "$SRC/apps"
  fi
  if stage git; then
    measure "gitcanary clone" "$r" "$BIN" source --repo "$URL" --ref main --cache-dir "$WORK/gc-cache" --revision-only --output json
    measure "git clone --bare" "$r" git clone -q --bare "$URL" "$WORK/bare"
    measure "gitcanary no-op fetch" "$r" "$BIN" source --repo "$URL" --ref main --cache-dir "$WORK/gc-cache" --revision-only --output json
    measure "git fetch (no-op)" "$r" git -C "$WORK/bare" fetch -q origin
  fi
done
if [ -n "${SANDBOX_PROFILE:-}" ]; then   # stop the Sandbox and its recording
  kill -INT "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; SANDBOX_PID=""
  { echo "== Sandbox, self time"; perf report -i "$WORK/sandbox.perf.data" --stdio --no-children --percent-limit 1 -g none 2>/dev/null | grep -v '^[#]' | grep -v '^$' | head -40
    echo "== Sandbox, inclusive time, by symbol"; perf report -i "$WORK/sandbox.perf.data" --stdio --children --sort symbol --percent-limit 3 -g none 2>/dev/null | grep -v '^[#]' | grep -v '^$' | head -80
  } >"$SANDBOX_PROFILE" || true
fi

python3 - "$RESULTS" "$N" "$M" "$RUNS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, statistics, sys
path, n, m, runs, cores, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
rows = [json.loads(l) for l in open(path)]
order = ["first", "noop (after writes)", "noop", "noop (no memo)", "one-image", "all-images", "step", "kubectl get", "kubectl apply (take-over)",
         "kubectl apply (no-op)", "gitcanary clone", "git clone --bare", "gitcanary no-op fetch", "git fetch (no-op)"]
def med(label, f):
    v = [f(r) for r in rows if r["label"] == label]
    return statistics.median(v) if v else float("nan")
verbs = ["get", "list", "create", "update", "patch", "delete"]
print(f"\nReconcile benchmark: N={n} canaries in M={m} namespaces, median of {runs} rounds, {cores} cores, load average at end {load}")
print(f"{'measurement':<27} {'wall s':>7} {'cpu s':>7} {'srv cpu':>7} {'RSS MB':>7} {'req':>6} " + " ".join(f"{v:>6}" for v in verbs) + f" {'writes':>6} {'KiB':>8} {'req/canary':>10}")
for label in order:
    if not any(r["label"] == label for r in rows): continue
    by = lambda v: med(label, lambda r: r["requests"].get("byVerb", {}).get(v, 0))
    total = med(label, lambda r: r["requests"].get("total", 0))
    print(f"{label:<27} {med(label, lambda r: r['wall']):>7.2f} {med(label, lambda r: r['cpu']):>7.2f} {med(label, lambda r: r.get('serverCPU', 0)):>7.2f} {med(label, lambda r: r['rssMB']):>7.1f} "
          f"{total:>6.0f} " + " ".join(f"{by(v):>6.0f}" for v in verbs) +
          f" {med(label, lambda r: r['requests'].get('mutating', 0)):>6.0f} {med(label, lambda r: r['bytes']) / 1024:>8.0f} {total / n:>10.2f}")
print("stages of the reconcile runs (medians, s; from the run's own --output json timings):")
for label in ["first", "noop (after writes)", "noop", "noop (no memo)", "one-image", "all-images", "step"]:
    stages = sorted({k for r in rows if r["label"] == label for k in (r.get("timings") or {})})
    if stages:
        print(f"  {label:<19} " + "  ".join(f"{k}={med(label, lambda r: (r.get('timings') or {}).get(k, 0)):.2f}" for k in stages))
print("reused from the memo of verified work (medians: canary plans, objects of Git):")
for label in ["noop (after writes)", "noop", "noop (no memo)", "one-image"]:
    if any(r["label"] == label for r in rows):
        print(f"  {label:<19} plans={med(label, lambda r: r.get('reused', {}).get('plans', 0)):.0f}  objects={med(label, lambda r: r.get('reused', {}).get('objects', 0)):.0f}")
def ratio(a, b, f=lambda r: r["wall"]):
    x, y = med(a, f), med(b, f)
    return x / y if y else float("nan")
print()
print(f"ratio wall  noop / kubectl apply (no-op)           = {ratio('noop', 'kubectl apply (no-op)'):.3f}   (target <= 0.1)")
both = lambda r: r["cpu"] + r.get("serverCPU", 0)
print(f"ratio cpu   noop / kubectl apply (no-op)           = {ratio('noop', 'kubectl apply (no-op)', both):.3f}   (client + Sandbox CPU: less sensitive to the machine's load)")
print(f"ratio wall  noop (after writes) / kubectl apply (no-op) = {ratio('noop (after writes)', 'kubectl apply (no-op)'):.3f}")
print(f"ratio wall  noop (no memo) / kubectl apply (no-op)      = {ratio('noop (no memo)', 'kubectl apply (no-op)'):.3f}")
print(f"ratio wall  noop / kubectl apply (take-over)       = {ratio('noop', 'kubectl apply (take-over)'):.3f}")
print(f"ratio wall  noop / kubectl get                     = {ratio('noop', 'kubectl get'):.3f}")
print(f"ratio wall  first / kubectl apply (take-over)      = {ratio('first', 'kubectl apply (take-over)'):.3f}")
print(f"ratio wall  gitcanary clone / git clone --bare     = {ratio('gitcanary clone', 'git clone --bare'):.3f}")
print(f"ratio wall  gitcanary no-op fetch / git fetch      = {ratio('gitcanary no-op fetch', 'git fetch (no-op)'):.3f}")
print()
noop = [r for r in rows if r["label"].startswith("noop")]
writes = max(r["requests"].get("mutating", 0) for r in noop)
lists = {}
for r in noop:
    for res, verbsOf in r["requests"].get("byResource", {}).items():
        lists[res] = max(lists.get(res, 0), verbsOf.get("list", 0))
scopes = m + 1   # the M namespaces + the system namespace (or cluster scope for cluster-scoped kinds)
print(f"no-op writes: {writes} (target 0)")
print("no-op LISTs by resource: " + ", ".join(f"{k}={v}" for k, v in sorted(lists.items())) + f"   (target <= {scopes} each: {m} namespaces + system/cluster scope)")
step = [r for r in rows if r["label"] == "step"]
for r in step[-1:]:
    stepped = sum(1 for c in r.get("canaries", []) if c.get("phase") == "Progressing")
    print(f"step run: {stepped} canaries Progressing after the run; {r['requests'].get('total', 0) / max(stepped, 1):.2f} requests per stepping canary (target <= 4)")
gc = [r for r in rows if r["label"].startswith(("first", "noop", "one-image", "all-images", "step", "settle", "gitcanary"))]
print(f"peak RSS of any gitcanary run: {max(r['rssMB'] for r in gc):.1f} MB (target <= 150)")
fetches = [r.get("fetch", {}) for r in rows if r["label"] == "gitcanary no-op fetch"]
print("no-op Git check: " + ", ".join(f"cache={f.get('cache')} receivedObjects={f.get('receivedObjects')}" for f in fetches) + "   (target 0 objects)")
bad = [r for r in rows if r["status"] != 0]
if bad: print("non-zero exits: " + ", ".join(f"{r['label']}#{r['round']}={r['status']}" for r in bad))
PY
