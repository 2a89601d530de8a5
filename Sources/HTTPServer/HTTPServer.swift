import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for the Sandbox and for tests' fake servers.
///
/// Each accepted connection gets its own thread, which reads requests (keep-alive, Content-Length or chunked
/// bodies), calls the handler synchronously and writes the response. A handler may return
/// ``HTTPServerResponse/hang`` or ``HTTPServerResponse/reset`` to inject faults at the socket level.
///
/// ```swift
/// let server = try HTTPServer { request in .text("hello \(request.path)") }
/// print(server.baseURL)   // http://127.0.0.1:40123
/// server.stop()
/// ```
public final class HTTPServer: Sendable {
    /// The bound port (the chosen one when started with port 0).
    public let port: UInt16
    private let listener: Int32
    private let handler: HTTPServerHandler
    private let state = Mutex(State())
    private let idle = NSCondition()
    /// Signalled by the accept thread once it has closed the listener.
    private let acceptDone = DispatchSemaphore(value: 0)

    private struct State {
        var stopped = false
        var open: Set<Int32> = []
        var threads = 0
        var served = 0
    }

    private let idleTimeout: Double

    /// Starts listening on 127.0.0.1:`port` (0 picks a free port) and serving with `handler`; keep-alive
    /// connections idle for `idleTimeout` seconds are closed.
    public init(
        port: UInt16 = 0, backlog: Int32 = 128, idleTimeout: Double = 120,
        handler: @escaping HTTPServerHandler
    ) throws(HTTPServerError) {
        self.idleTimeout = idleTimeout
        let (fd, bound) = try Socket.listen(port: port, backlog: backlog)
        self.listener = fd
        self.port = bound
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "HTTPServer.accept:\(bound)"
        thread.start()
    }

    /// `http://127.0.0.1:<port>` without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The number of connections currently open.
    public var openConnections: Int { state.withLock { $0.open.count } }

    /// The number of requests answered, hung or reset so far.
    public var requestsServed: Int { state.withLock { $0.served } }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { state.withLock { $0.stopped } }

    /// Closes the listener and every connection (hung ones included), then waits up to `timeout` seconds for
    /// connection threads still inside a handler to finish. Safe to call more than once.
    public func stop(timeout: Double = 5) {
        let first = state.withLock { s -> Bool in
            if s.stopped { return false }
            s.stopped = true
            for fd in s.open { Socket.shutdownBoth(fd) }
            return true
        }
        if first {
            // Only the accept thread closes the listener, after accept() returns: closing it here would let the
            // number be reused by another socket that the accept thread would then accept connections from.
            Socket.shutdownBoth(listener)
            _ = acceptDone.wait(timeout: .now() + min(timeout, 2))
        }
        let deadline = Date().addingTimeInterval(timeout)
        idle.lock()
        while state.withLock({ $0.threads }) > 0 && Date() < deadline {
            _ = idle.wait(until: min(deadline, Date().addingTimeInterval(0.05)))
        }
        idle.unlock()
    }

    deinit {
        stop(timeout: 0)
    }

    private func acceptLoop() {
        defer {
            close(listener)
            acceptDone.signal()
        }
        while true {
            guard let (fd, peer) = Socket.accept(listener) else { return }
            let admitted = state.withLock { s -> Bool in
                if s.stopped { return false }
                s.open.insert(fd)
                s.threads += 1
                return true
            }
            guard admitted else {
                Socket.reset(fd)
                return
            }
            let thread = Thread { [self] in
                var limits = HTTPConnection.Limits()
                limits.idleMilliseconds = Int32(min(max(idleTimeout, 0.01), 86_400) * 1000)
                serve(HTTPConnection(fd: fd, peer: peer, limits: limits))
                idle.lock()
                state.withLock { $0.threads -= 1 }
                idle.broadcast()
                idle.unlock()
            }
            thread.name = "HTTPServer.connection:\(peer)"
            thread.start()
        }
    }

    /// Removes the descriptor from the open set (so `stop()` never touches a reused number), then closes it.
    private func release(_ fd: Int32, reset: Bool) {
        state.withLock { _ = $0.open.remove(fd) }
        if reset { Socket.reset(fd) } else { close(fd) }
    }

    private func serve(_ connectionValue: HTTPConnection) {
        var connection = connectionValue
        let fd = connection.fd
        while !isStopped {
            let request: HTTPServerRequest
            do {
                guard let r = try connection.readRequest() else { break }
                request = r
            } catch {
                let response = HTTPServerResponse.text(error.message + "\n", status: error.status)
                _ = connection.write(response, forHead: false, keepAlive: false)
                break
            }
            let response = handler(request)
            state.withLock { $0.served += 1 }
            switch response.disposition {
            case .reset:
                release(fd, reset: true)
                return
            case .hang:
                var sink: [UInt8] = []
                while Socket.receive(fd, into: &sink, count: 4096) > 0 { sink.removeAll(keepingCapacity: true) }
                release(fd, reset: false)
                return
            case .respond:
                if let stream = response.stream, request.method != "HEAD" {
                    connection.writeStream(response, produce: stream.produce, stopped: { [weak self] in self?.isStopped ?? true })
                    release(fd, reset: false)
                    return
                }
                let keepAlive = Self.wantsKeepAlive(request) && !response.closeConnection && !isStopped
                guard connection.write(response, forHead: request.method == "HEAD", keepAlive: keepAlive),
                    keepAlive
                else {
                    release(fd, reset: false)
                    return
                }
            }
        }
        release(fd, reset: false)
    }

    static func wantsKeepAlive(_ request: HTTPServerRequest) -> Bool {
        let tokens = (request.header("Connection") ?? "").lowercased().split(separator: ",").map {
            String($0).trimmingSpaces()
        }
        if tokens.contains("close") { return false }
        if request.version == "HTTP/1.0" { return tokens.contains("keep-alive") }
        return true
    }
}
