import Foundation
import HTTPServer
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP/1.1 server exercised with the real `curl` CLI and raw sockets.
@Suite("HTTPServer")
struct HTTPServerTests {
    let curl = SandboxProcessRunner.which("curl") ?? "/usr/bin/curl"

    static func echo(_ request: HTTPServerRequest) -> HTTPServerResponse {
        switch request.path {
        case "/hang": return .hang
        case "/reset": return .reset
        case "/close":
            return HTTPServerResponse(status: 200, body: Array("bye".utf8), closeConnection: true)
        default:
            let text = "\(request.method) \(request.path) q=\(request.query("q") ?? "-") len=\(request.body.count) "
                + "body=\(request.bodyText)"
            return .text(text, status: request.path == "/missing" ? 404 : 200)
        }
    }

    @Test("GET, query decoding, POST with Content-Length and chunked bodies, HEAD, status codes")
    func basics() throws {
        let server = try HTTPServer(handler: Self.echo)
        defer { server.stop() }
        #expect(server.port > 0)
        let get = try SandboxProcessRunner.run(curl, ["-sS", "\(server.baseURL)/a%20b?q=x+y%26"])
        #expect(get.stdout == "GET /a b q=x y& len=0 body=")
        let post = try SandboxProcessRunner.run(curl, ["-sS", "-X", "POST", "--data-binary", "hello", "\(server.baseURL)/p"])
        #expect(post.stdout == "POST /p q=- len=5 body=hello")
        let chunked = try SandboxProcessRunner.run(
            curl, ["-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", "\(server.baseURL)/c"],
            stdin: String(repeating: "z", count: 70_000))
        #expect(chunked.stdout.hasPrefix("POST /c q=- len=70000 body=zzz"))
        let head = try SandboxProcessRunner.run(curl, ["-sS", "-I", "\(server.baseURL)/h"])
        #expect(head.stdout.contains("HTTP/1.1 200 OK"))
        #expect(head.stdout.contains("Content-Length: 23"))
        let missing = try SandboxProcessRunner.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/missing"])
        #expect(missing.stdout == "404")
    }

    @Test("keep-alive reuses one connection; Connection: close is honoured")
    func keepAlive() throws {
        let server = try HTTPServer(handler: Self.echo)
        defer { server.stop() }
        let two = try SandboxProcessRunner.run(
            curl, ["-sS", "-v", "\(server.baseURL)/one", "\(server.baseURL)/two"])
        #expect(two.stdout == "GET /one q=- len=0 body=GET /two q=- len=0 body=", "\(two.stderr)")
        #expect(two.stderr.contains("Re-using existing connection") || two.stderr.contains("Reusing existing"))
        let closing = try SandboxProcessRunner.run(
            curl, ["-sS", "-v", "-H", "Connection: close", "\(server.baseURL)/one", "\(server.baseURL)/two"])
        #expect(closing.stderr.contains("Connection: close"))
        #expect(!closing.stderr.contains("Re-using existing connection"))
        let serverClose = try SandboxProcessRunner.run(curl, ["-sS", "-v", "\(server.baseURL)/close"])
        #expect(serverClose.stdout == "bye")
        #expect(serverClose.stderr.contains("Connection: close"))
    }

    @Test("fault injection: reset gives the client a connection reset, hang a timeout, stop() frees hung clients")
    func faults() throws {
        let server = try HTTPServer(handler: Self.echo)
        let reset = try SandboxProcessRunner.run(curl, ["-sS", "\(server.baseURL)/reset"])
        #expect(reset.status == 56)  // CURLE_RECV_ERROR: connection reset by peer
        #expect(reset.stderr.lowercased().contains("reset"))
        let started = Date()
        let hang = try SandboxProcessRunner.run(curl, ["-sS", "-m", "0.5", "\(server.baseURL)/hang"])
        #expect(hang.status == 28)  // CURLE_OPERATION_TIMEDOUT
        #expect(Date().timeIntervalSince(started) < 5)

        // A raw client stuck on a hung request is released (EOF) when the server stops.
        let fd = try Self.connect(port: server.port)
        defer { close(fd) }
        let request = Array("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(send(fd, request, request.count, 0) == request.count)
        let deadline = Date().addingTimeInterval(5)
        while server.openConnections == 0 && Date() < deadline { usleep(5_000) }
        #expect(server.openConnections >= 1)
        server.stop()
        var byte: UInt8 = 0
        // Released either way: EOF when the server had read the request, a reset when stop() came first and
        // the unread request was still in the server's receive buffer (the kernel then answers close with RST).
        let received = recv(fd, &byte, 1, 0)
        let failure = errno
        #expect(received == 0 || (received == -1 && failure == ECONNRESET), "recv \(received), errno \(failure)")
        #expect(server.openConnections == 0)
        let after = try SandboxProcessRunner.run(curl, ["-sS", "-m", "2", "\(server.baseURL)/"])
        #expect(after.status == 7)  // CURLE_COULDNT_CONNECT: the listener is closed
    }

    @Test("streamed responses arrive chunk by chunk; idle keep-alive connections are closed")
    func streamingAndIdle() throws {
        let server = try HTTPServer(idleTimeout: 0.3) { request in
            guard request.path == "/stream" else { return .text("x") }
            return .streaming(headers: [("Content-Type", "text/plain")]) { writer in
                for i in 0..<3 {
                    guard writer.write(Array("line \(i)\n".utf8)) else { return }
                    usleep(20_000)
                }
            }
        }
        defer { server.stop() }
        let streamed = try SandboxProcessRunner.run(curl, ["-sS", "-v", "\(server.baseURL)/stream"])
        #expect(streamed.stdout == "line 0\nline 1\nline 2\n")
        #expect(streamed.stderr.contains("Transfer-Encoding: chunked"))
        let fd = try Self.connect(port: server.port)
        defer { close(fd) }
        let started = Date()
        var byte: UInt8 = 0
        // Released either way: EOF when the server had read the request, a reset when stop() came first and
        // the unread request was still in the server's receive buffer (the kernel then answers close with RST).
        let received = recv(fd, &byte, 1, 0)
        let failure = errno
        #expect(received == 0 || (received == -1 && failure == ECONNRESET), "recv \(received), errno \(failure)")  // the server closes the idle connection
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test("malformed requests get 400 and the connection closes")
    func malformed() throws {
        let server = try HTTPServer(handler: Self.echo)
        defer { server.stop() }
        let fd = try Self.connect(port: server.port)
        defer { close(fd) }
        let garbage = Array("NONSENSE\r\n\r\n".utf8)
        _ = send(fd, garbage, garbage.count, 0)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var received: [UInt8] = []
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request"))
    }

    @Test("binding a port that is in use reports a bind error naming the port")
    func bindError() throws {
        let server = try HTTPServer(handler: Self.echo)
        defer { server.stop() }
        #expect(throws: HTTPServerError.self) { _ = try HTTPServer(port: server.port, handler: Self.echo) }
        do {
            _ = try HTTPServer(port: server.port, handler: Self.echo)
        } catch {
            #expect(error.description.contains("127.0.0.1:\(server.port)"))
        }
    }

    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 { throw HTTPServerError.socket(call: "connect", errno: errno) }
        return fd
    }
}
