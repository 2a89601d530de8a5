#!/usr/bin/env python3
"""Sandbox request-rate benchmark (stdlib only; not a test).

Starts `gitcanary sandbox` (clock frozen), fills it with N canaries' worth of objects in M namespaces, the way a
GitCanary run leaves them (per canary: ConfigMap, Deployment, HPA, Canary, and owned by the Canary the
`-primary` Deployment, ConfigMap and HPA and three Services: 10 objects), then measures the Sandbox alone
(one keep-alive connection, one request at a time) per request kind:

  apply-create   server-side apply creating the objects (the fill itself)
  get            GET of one object
  list-ns        LIST of one kind in one namespace (N/M objects each)
  status-put     PUT of a Canary's /status
  apply-noop     server-side apply of an unchanged Deployment
  patch          merge patch of a Deployment's annotation (a real change: rollout, status, resourceVersion)

and prints requests/s and ms/request for each. The clock is then advanced (+60 s) between passes, as a GitCanary
run sees it, to include the time-dependent re-evaluation.

Usage: bench/sandbox/run.py BIN [N] [M]      (N=1000 M=10 by default; PERF_DATA=file records the Sandbox
under `perf record -g`: then `perf report -i file --no-children`)
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.0"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def req(self, method, path, body=None, ctype="application/json"):
        headers = {}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = ctype
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        payload = r.read()
        if r.status >= 400:
            raise RuntimeError(f"{method} {path}: {r.status} {payload[:300]!r}")
        return json.loads(payload) if payload else None


def apply(c, path, obj, manager="bench"):
    return c.req("PATCH", f"{path}?fieldManager={manager}&force=true", obj, "application/apply-patch+yaml")


def objects(i, m, canary_uid=None):
    ns, name = "bench-%02d" % (i % m), "app-%04d" % i
    meta = lambda n, extra=None: dict({"name": n, "namespace": ns}, **(extra or {}))
    dep = lambda n, labels: {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(n, {"labels": {"app": labels}}),
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": labels}},
                 "template": {"metadata": {"labels": {"app": labels}},
                              "spec": {"containers": [{"name": "app", "image": IMAGE,
                                                       "ports": [{"name": "http", "containerPort": 9898}],
                                                       "envFrom": [{"configMapRef": {"name": f"{n}-config"}}]}]}}}}
    hpa = lambda n, target: {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(n),
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                 "minReplicas": 2, "maxReplicas": 4}}
    cm = lambda n: {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(n), "data": {"color": "#34577c", "index": str(i)}}
    own = [{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": name, "uid": canary_uid or "",
            "controller": True, "blockOwnerDeletion": True}]
    svc = lambda n, sel: {"apiVersion": "v1", "kind": "Service", "metadata": meta(n, {"ownerReferences": own}),
                          "spec": {"selector": {"app": sel}, "ports": [{"name": "http", "port": 80, "targetPort": 9898}]}}
    base = [("api/v1", "configmaps", cm(f"{name}-config")), ("apis/apps/v1", "deployments", dep(name, name)),
            ("apis/autoscaling/v2", "horizontalpodautoscalers", hpa(name, name)),
            ("apis/flagger.app/v1beta1", "canaries", {
                "apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": meta(name),
                "spec": {"provider": "kubernetes", "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                         "service": {"port": 80, "targetPort": 9898},
                         "analysis": {"interval": "1m", "threshold": 2, "iterations": 3}}})]
    if canary_uid is None:
        return ns, base
    owned = []
    for path, res, o in [("api/v1", "configmaps", cm(f"{name}-config-primary")),
                         ("apis/apps/v1", "deployments", dep(f"{name}-primary", f"{name}-primary")),
                         ("apis/autoscaling/v2", "horizontalpodautoscalers", hpa(f"{name}-primary", f"{name}-primary")),
                         ("api/v1", "services", svc(name, f"{name}-primary")),
                         ("api/v1", "services", svc(f"{name}-primary", f"{name}-primary")),
                         ("api/v1", "services", svc(f"{name}-canary", name))]:
        o["metadata"]["ownerReferences"] = own
        owned.append((path, res, o))
    return ns, owned


def crds(c, root):
    # The Canary CRD from deploy/crds (YAML), applied as YAML.
    path = os.path.join(root, "deploy", "crds", "canaries.flagger.app.yaml")
    with open(path) as f:
        c.req("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/canaries.flagger.app?fieldManager=bench",
              f.read(), "application/apply-patch+yaml")


def timed(label, n, fn, results):
    t0 = time.perf_counter()
    for k in range(n):
        fn(k)
    dt = time.perf_counter() - t0
    results.append((label, n, dt))
    print(f"  {label:<14} {n:>6} requests  {n / dt:>8.1f} req/s  {1000 * dt / n:>8.2f} ms/request", flush=True)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    binary, n, m = argv[1], int(argv[2]) if len(argv) > 2 else 1000, int(argv[3]) if len(argv) > 3 else 10
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    work = tempfile.mkdtemp(prefix="gitcanary-bench-sandbox.")
    port = free_port()
    log = open(os.path.join(work, "sandbox.log"), "w")
    command = [binary, "sandbox", "--port", str(port), "--kubeconfig-out", os.path.join(work, "kc")]
    if os.environ.get("PERF_DATA"):   # PERF_DATA=file: record the Sandbox under `perf record -g`
        command = ["perf", "record", "-F", "499", "-g", "-o", os.environ["PERF_DATA"], "--"] + command
    proc = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        c = Client(port)
        now = 1893456000
        def clock(seconds):
            c.req("POST", "/sandbox/clock", {"set": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + seconds)), "freeze": True})
        clock(0)
        crds(c, root)
        for j in range(m):
            apply(c, f"/api/v1/namespaces/bench-{j:02d}", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"bench-{j:02d}"}})
        print(f"Sandbox benchmark: N={n} canaries in M={m} namespaces ({10 * n} objects), {os.cpu_count()} cores, "
              f"load average {open('/proc/loadavg').read().split()[:3]}", flush=True)
        results = []
        uids = {}
        writes = []
        for i in range(n):
            ns, objs = objects(i, m)
            for path, res, o in objs:
                writes.append((f"/{path}/namespaces/{ns}/{res}/{o['metadata']['name']}", o, i, res))
        def create(k):
            path, o, i, res = writes[k]
            r = apply(c, path, o)
            if res == "canaries":
                uids[i] = r["metadata"]["uid"]
        timed("apply-create", len(writes), create, results)
        owned = []
        for i in range(n):
            ns, objs = objects(i, m, uids[i])
            for path, res, o in objs:
                owned.append((f"/{path}/namespaces/{ns}/{res}/{o['metadata']['name']}", o))
        timed("apply-create", len(owned), lambda k: apply(c, *owned[k]), results)
        for rnd, offset in enumerate([60, 120]):
            clock(offset)
            print(f" pass {rnd + 1} (clock +{offset} s)", flush=True)
            reads = min(2000, 4 * n)
            timed("get", reads, lambda k: c.req("GET", owned[(k * 7919) % len(owned)][0]), results)
            kinds = ["api/v1/namespaces/{}/configmaps", "apis/apps/v1/namespaces/{}/deployments",
                     "apis/autoscaling/v2/namespaces/{}/horizontalpodautoscalers", "api/v1/namespaces/{}/services",
                     "apis/flagger.app/v1beta1/namespaces/{}/canaries"]
            timed("list-ns", len(kinds) * m, lambda k: c.req("GET", "/" + kinds[k % len(kinds)].format(f"bench-{k // len(kinds):02d}")), results)
            def status(k):
                i = k % n
                ns, name = "bench-%02d" % (i % m), "app-%04d" % i
                path = f"/apis/flagger.app/v1beta1/namespaces/{ns}/canaries/{name}"
                o = c.req("GET", path)
                o["status"] = {"phase": "Progressing", "iterations": rnd + 1, "lastTransitionTime": "2030-01-01T00:00:00Z"}
                c.req("PUT", path + "/status", o)
            timed("get+status-put", min(1000, n), status, results)
            timed("apply-noop", min(1000, n), lambda k: apply(c, *writes[4 * (k % n) + 1][:2]), results)
            def patch(k):
                i = k % n
                path = writes[4 * i + 1][0]
                c.req("PATCH", path, {"spec": {"template": {"metadata": {"annotations": {"bench/round": str(rnd)}}}}},
                      "application/merge-patch+json")
            timed("patch", min(1000, n), patch, results)
    finally:
        proc.send_signal(2 if os.environ.get("PERF_DATA") else 9)   # SIGINT lets perf write its data
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main(sys.argv)
