#!/usr/bin/env python3
"""Generates the reconcile benchmark's repository (stdlib only; not a test).

N canaries spread over M namespaces (bench-00 .. bench-<M-1>), each canary `app-NNNN` with:
  - a Deployment (the canary target; its pod template reads the ConfigMap, so config tracking applies),
  - a HorizontalPodAutoscaler (autoscaling/v2) targeting it,
  - a ConfigMap,
  - a Canary (provider kubernetes, blue/green: 3 iterations of the builtin request-success-rate and
    request-duration metrics, answered by the Sandbox's Prometheus API, and a rollout webhook to the Sandbox's
    load tester).
The Services are the canary's own, as Flagger does it: GitCanary generates `app-NNNN`, `app-NNNN-primary` and
`app-NNNN-canary` from `spec.service`; the repository holds no plain Service of the same name (it would conflict).
GitCanary's CRDs (deploy/crds) are copied to crds/.

Usage: generate.py DIR N M LOADTESTER_URL [--image TAG] [--image-of INDEX TAG]
  Writes the manifests into DIR (created if missing; existing apps/ files are rewritten). `--image TAG` sets every
  Deployment's image tag (default 6.7.0); `--image-of INDEX TAG` overrides the tag of one canary.
"""
import os
import shutil
import sys

IMAGE = "ghcr.io/stefanprodan/podinfo"


def namespace(i, m):
    return "bench-%02d" % (i % m)


def manifests(i, m, tag, loadtester):
    ns, name = namespace(i, m), "app-%04d" % i
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  color: "#34577c"
  index: "{i}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: app
          image: {IMAGE}:{tag}
          ports:
            - name: http
              containerPort: 9898
          envFrom:
            - configMapRef:
                name: {name}-config
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 99
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: {name}
  namespace: {ns}
spec:
  provider: kubernetes
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  autoscalerRef:
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    name: {name}
  progressDeadlineSeconds: 120
  service:
    port: 80
    targetPort: 9898
  analysis:
    interval: 1m
    threshold: 2
    iterations: 3
    metrics:
      - name: request-success-rate
        thresholdRange:
          min: 99
        interval: 1m
      - name: request-duration
        thresholdRange:
          max: 500
        interval: 1m
    webhooks:
      - name: load-test
        type: rollout
        url: {loadtester}
        timeout: 5s
        metadata:
          cmd: "hey -z 1m -q 10 -c 2 http://{name}-canary.{ns}/"
"""


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    root, n, m, loadtester = argv[1], int(argv[2]), int(argv[3]), argv[4]
    tag, overrides, rest = "6.7.0", {}, argv[5:]
    while rest:
        if rest[0] == "--image" and len(rest) >= 2:
            tag, rest = rest[1], rest[2:]
        elif rest[0] == "--image-of" and len(rest) >= 3:
            overrides[int(rest[1])], rest = rest[2], rest[3:]
        else:
            sys.exit("unknown argument %r\n%s" % (rest[0], __doc__))
    crds_src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy", "crds")
    os.makedirs(os.path.join(root, "crds"), exist_ok=True)
    for f in sorted(os.listdir(crds_src)):
        if f.endswith(".flagger.app.yaml"):
            shutil.copyfile(os.path.join(crds_src, f), os.path.join(root, "crds", f))
    for j in range(m):
        d = os.path.join(root, "apps", "bench-%02d" % j)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "00-namespace.yaml"), "w") as f:
            f.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench-%02d\n  labels:\n    bench: gitcanary\n" % j)
    for i in range(n):
        path = os.path.join(root, "apps", namespace(i, m), "app-%04d.yaml" % i)
        with open(path, "w") as f:
            f.write(manifests(i, m, overrides.get(i, tag), loadtester))


if __name__ == "__main__":
    main(sys.argv)
