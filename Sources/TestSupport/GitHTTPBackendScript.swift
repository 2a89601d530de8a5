/// The Python 3 smart-HTTP server used by ``GitServers/http(projectRoot:logDirectory:username:password:)``.
///
/// Each request runs `git http-backend` as CGI: the request body (Content-Length or chunked) goes to its stdin,
/// its `Status:` header becomes the HTTP status. With `AUTH_USER`/`AUTH_PASS` set, requests without matching
/// basic credentials get 401 with `WWW-Authenticate`. Arguments: project root, port.
enum GitHTTPBackendScript {
    static let source = #"""
import base64, os, subprocess, sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

ROOT, PORT = sys.argv[1], int(sys.argv[2])
USER, PASS = os.environ.get("AUTH_USER"), os.environ.get("AUTH_PASS")

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()

    def reply(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def serve(self):
        data = self.body()
        if USER is not None:
            expected = "Basic " + base64.b64encode(("%s:%s" % (USER, PASS)).encode()).decode()
            if self.headers.get("Authorization") != expected:
                # An empty body: libgit2 1.5 replays the request on the same connection without draining a 401's
                # body, then fails with "http parser error" on the leftover bytes.
                self.reply(401, [("WWW-Authenticate", 'Basic realm="git"')], b"")
                return
        path, _, query = self.path.partition("?")
        env = dict(os.environ)
        env.update({
            "GIT_PROJECT_ROOT": ROOT, "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path, "QUERY_STRING": query,
            "REQUEST_METHOD": self.command, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(data)), "REMOTE_ADDR": "127.0.0.1", "REMOTE_USER": USER or "",
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
        })
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers.get("Content-Encoding")
        out = subprocess.run(["git", "http-backend"], input=data, capture_output=True, env=env).stdout
        head, sep, rest = out.partition(b"\r\n\r\n")
        if not sep:
            head, sep, rest = out.partition(b"\n\n")
        status, headers = 200, []
        for line in head.decode("latin-1").splitlines():
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.reply(status, headers, rest)

ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
"""#
}
