// The loopback Kubernetes-like API server the live tests run (Python 3, standard library only).
// Kept as a string so the test target needs no resources; LoopbackKubeServer writes it to a temp dir.
let kubeServerScript = #"""
#!/usr/bin/env python3
"""A minimal Kubernetes-like API server for loopback tests (in memory, HTTP/1.1 keep-alive).

argv: PORTFILE [--token T] [--forbid VERB:RESOURCE]... [--date-offset SECONDS]
Writes the chosen port to PORTFILE. Control endpoints: GET /_requests (request log),
POST /_fail?count=N&code=C&retryAfter=S (the next N API requests fail with C).
"""
import base64, copy, json, sys, threading, uuid, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

RESOURCES = {
    ("", "v1"): [("configmaps", "ConfigMap", True, False), ("namespaces", "Namespace", False, False),
                 ("events", "Event", True, False), ("secrets", "Secret", True, False)],
    ("apps", "v1"): [("deployments", "Deployment", True, True)],
    ("coordination.k8s.io", "v1"): [("leases", "Lease", True, False)],
    ("flagger.app", "v1beta1"): [("canaries", "Canary", True, True)],
    ("example.com", "v1"): [("widgets", "Widget", True, True)],
}
LOCK = threading.Lock()
STORE = {}
STATE = {"rv": 100, "fail": [], "log": []}
TOKEN = None
FORBID = set()
DATE_OFFSET = 0

def status(code, reason, message, details=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
         "reason": reason, "code": code}
    if details: s["details"] = details
    return code, s

def merge(target, patch):
    if not isinstance(patch, dict): return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None: out.pop(k, None)
        else: out[k] = merge(out.get(k), v)
    return out

def pointer(path):
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]

def json_patch(doc, ops):
    doc = copy.deepcopy(doc)
    for op in ops:
        keys = pointer(op["path"]); parent = doc
        for k in keys[:-1]: parent = parent[int(k)] if isinstance(parent, list) else parent[k]
        last = keys[-1]
        if op["op"] == "test":
            cur = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if cur != op.get("value"): raise ValueError("test operation failed for " + op["path"])
        elif op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                if last == "-": parent.append(op["value"])
                elif op["op"] == "add": parent.insert(int(last), op["value"])
                else: parent[int(last)] = op["value"]
            else: parent[last] = op["value"]
        elif op["op"] == "remove":
            if isinstance(parent, list): del parent[int(last)]
            else: del parent[last]
    return doc

def selects(obj, labels, fields):
    lab = obj.get("metadata", {}).get("labels", {}) or {}
    for term in filter(None, labels.split(",")):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if lab.get(k) == v: return False
        elif "=" in term:
            k, v = term.split("=", 1); k = k.rstrip("=")
            if lab.get(k) != v: return False
        elif term.startswith("!"):
            if term[1:] in lab: return False
        elif term not in lab: return False
    for term in filter(None, fields.split(",")):
        k, v = term.split("=", 1)
        cur = obj
        for part in k.split("."): cur = cur.get(part, {}) if isinstance(cur, dict) else {}
        if cur != v: return False
    return True

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per response and no Nagle delay: otherwise keep-alive requests wait 40 ms for delayed ACKs.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    def log_message(self, *a): pass
    def date_time_string(self, timestamp=None):
        import time, email.utils
        return email.utils.formatdate((timestamp or time.time()) + DATE_OFFSET, usegmt=True)

    def reply(self, code, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items(): self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self): self.handle_any("GET")
    def do_POST(self): self.handle_any("POST")
    def do_PUT(self): self.handle_any("PUT")
    def do_PATCH(self): self.handle_any("PATCH")
    def do_DELETE(self): self.handle_any("DELETE")

    def handle_any(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/_requests":
            with LOCK: return self.reply(200, STATE["log"])
        if url.path == "/_fail":
            with LOCK: STATE["fail"] = [(int(q.get("code", "503")), q.get("retryAfter"))] * int(q.get("count", "1"))
            return self.reply(200, {})
        auth = self.headers.get("Authorization")
        with LOCK:
            STATE["log"].append({"method": method, "path": self.path, "contentType": self.headers.get("Content-Type", ""),
                                 "authorization": auth or "", "userAgent": self.headers.get("User-Agent", "")})
            fail = STATE["fail"].pop(0) if STATE["fail"] else None
        if fail:
            code, after = fail
            reason = {429: "TooManyRequests", 503: "ServiceUnavailable", 500: "InternalError"}.get(code, "InternalError")
            c, b = status(code, reason, "injected failure", {"retryAfterSeconds": int(after)} if after else None)
            return self.reply(c, b, {"Retry-After": after} if after else None)
        if TOKEN is not None and auth != "Bearer " + TOKEN:
            return self.reply(*status(401, "Unauthorized", "Unauthorized"))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self.reply(*status(400, "BadRequest", "the body is not JSON"))
        with LOCK:
            try:
                self.reply(*self.route(method, url.path, q, body))
            except ValueError as e:
                self.reply(*status(422, "Invalid", str(e)))

    def route(self, method, path, q, body):
        parts = [p for p in path.split("/") if p]
        if path == "/api": return 200, {"kind": "APIVersions", "versions": ["v1"]}
        if path == "/apis":
            groups = [{"name": g, "versions": [{"groupVersion": g + "/" + v, "version": v}],
                       "preferredVersion": {"groupVersion": g + "/" + v, "version": v}} for (g, v) in RESOURCES if g]
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
        if parts[:1] == ["api"]: group, version, rest = "", parts[1] if len(parts) > 1 else "", parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3: group, version, rest = parts[1], parts[2], parts[3:]
        else: return status(404, "NotFound", "the server could not find the requested resource")
        table = RESOURCES.get((group, version))
        if table is None: return status(404, "NotFound", "the server could not find the requested resource")
        gv = group + "/" + version if group else version
        if not rest:
            res = []
            for (name, kind, ns, sub) in table:
                res.append({"name": name, "singularName": kind.lower(), "namespaced": ns, "kind": kind,
                            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]})
                if sub: res.append({"name": name + "/status", "namespaced": ns, "kind": kind, "verbs": ["get", "patch", "update"]})
            return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res}
        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3: ns, rest = rest[1], rest[2:]
        resource = rest[0]; name = rest[1] if len(rest) > 1 else None; sub = rest[2] if len(rest) > 2 else None
        info = next((r for r in table if r[0] == resource), None)
        if info is None: return status(404, "NotFound", "the server could not find the requested resource")
        _, kind, namespaced, has_status = info
        qual = resource + ("." + group if group else "")
        verb = {"GET": "get" if name else "list", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}[method]
        if verb + ":" + qual in FORBID:
            who = "system:serviceaccount:test:gitcanary"
            where = " in the namespace \"%s\"" % ns if ns else " at the cluster scope"
            return status(403, "Forbidden", "%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\"%s"
                          % (qual, who, verb, resource, group, where), {"kind": resource, "group": group})
        key = lambda n: (gv, resource, ns or "", n)
        details = lambda n: {"name": n, "group": group, "kind": resource}
        dry = q.get("dryRun") == "All"
        if method == "GET" and name is None:
            items = [copy.deepcopy(o) for (g, r, n_, _), o in sorted(STORE.items())
                     if g == gv and r == resource and (ns is None or n_ == ns)
                     and selects(o, q.get("labelSelector", ""), q.get("fieldSelector", ""))]
            start = int(base64.b64decode(q["continue"]).decode()) if q.get("continue") else 0
            limit = int(q.get("limit", "0") or 0)
            page = items[start:start + limit] if limit else items[start:]
            meta = {"resourceVersion": str(STATE["rv"])}
            if limit and start + limit < len(items):
                meta["continue"] = base64.b64encode(str(start + limit).encode()).decode()
                meta["remainingItemCount"] = len(items) - start - limit
            return 200, {"kind": kind + "List", "apiVersion": gv, "metadata": meta, "items": page}
        if method == "POST":
            name = (body or {}).get("metadata", {}).get("name")
            if not name:
                return status(422, "Invalid", "%s.%s \"\" is invalid: metadata.name: Required value: name or generateName is required" % (kind, group),
                              {"kind": kind, "group": group, "causes": [{"reason": "FieldValueRequired",
                               "message": "Required value: name or generateName is required", "field": "metadata.name"}]})
            if key(name) in STORE:
                return status(409, "AlreadyExists", "%s \"%s\" already exists" % (qual, name), details(name))
            obj = copy.deepcopy(body)
            if has_status: obj.pop("status", None)
            obj["apiVersion"], obj["kind"] = gv, kind
            meta = obj.setdefault("metadata", {})
            if namespaced: meta["namespace"] = ns or "default"
            meta.update({"uid": str(uuid.uuid4()), "generation": 1,
                         "creationTimestamp": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")})
            if not dry:
                STATE["rv"] += 1; meta["resourceVersion"] = str(STATE["rv"]); STORE[key(name)] = obj
            return 201, obj
        current = STORE.get(key(name))
        if current is None and not (method == "PATCH" and q.get("fieldManager") and
                                    self.headers.get("Content-Type") == "application/apply-patch+yaml"):
            return status(404, "NotFound", "%s \"%s\" not found" % (qual, name), details(name))
        if method == "GET":
            return 200, current
        if method == "DELETE":
            pre = (body or {}).get("preconditions", {})
            if pre.get("resourceVersion") and pre["resourceVersion"] != current["metadata"]["resourceVersion"] or \
               pre.get("uid") and pre["uid"] != current["metadata"]["uid"]:
                return status(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": the precondition did not match" % (qual, name), details(name))
            if not dry: del STORE[key(name)]
            return 200, current
        if method == "PUT":
            rv = (body or {}).get("metadata", {}).get("resourceVersion")
            if rv and rv != current["metadata"]["resourceVersion"]:
                return status(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
                              "please apply your changes to the latest version and try again" % (qual, name), details(name))
            new = copy.deepcopy(body)
        else:
            ctype = self.headers.get("Content-Type", "")
            if ctype == "application/json-patch+json": new = json_patch(current, body)
            elif ctype == "application/apply-patch+yaml":
                if not q.get("fieldManager"): return status(400, "BadRequest", "fieldManager is required for apply requests")
                new = merge(current or {}, body)
            elif ctype in ("application/merge-patch+json", "application/strategic-merge-patch+json"): new = merge(current, body)
            else: return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format")
            rv = (body or {}).get("metadata", {}).get("resourceVersion") if isinstance(body, dict) else None
            if rv and current and rv != current["metadata"]["resourceVersion"]:
                return status(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": the object has been modified" % (qual, name), details(name))
        if current is None:
            current = {"apiVersion": gv, "kind": kind, "metadata": {"name": name, "namespace": ns, "uid": str(uuid.uuid4()), "generation": 0}}
        out = copy.deepcopy(current)
        if sub == "status":
            out["status"] = new.get("status")
        else:
            for k, v in new.items():
                if k not in ("metadata", "status") or not has_status: out[k] = v
            if not has_status and "status" in new: out["status"] = new["status"]
            meta = new.get("metadata", {})
            for k in ("labels", "annotations"):
                if k in meta: out["metadata"][k] = meta[k]
            if out.get("spec") != current.get("spec"): out["metadata"]["generation"] = current["metadata"].get("generation", 0) + 1
        if not dry:
            STATE["rv"] += 1; out["metadata"]["resourceVersion"] = str(STATE["rv"]); STORE[key(name)] = out
        return 200, out

if __name__ == "__main__":
    args = sys.argv[2:]
    while args:
        if args[0] == "--token": TOKEN = args[1]
        elif args[0] == "--forbid": FORBID.add(args[1])
        elif args[0] == "--date-offset": DATE_OFFSET = int(args[1])
        args = args[2:]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
    import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()
"""#
