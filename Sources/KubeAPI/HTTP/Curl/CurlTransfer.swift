import Foundation
internal import CCurl

/// A request waiting for, or running on, the transport's driver thread.
struct CurlJob: Sendable {
    /// Identifies the job for cancellation.
    var id: UInt64
    /// What to send.
    var request: HTTPRequest
    /// Resumed exactly once with the outcome.
    var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>
}

/// One transfer in flight: the easy handle it runs on, the buffers libcurl fills, and the objects whose lifetime
/// must cover the transfer (header lists, error buffer). Lives on the driver thread only.
final class CurlTransfer {
    let job: CurlJob
    let easy: CurlEasy
    /// The server (scheme://host:port) for error messages.
    let server: String
    var responseHeaders: [String: String] = [:]
    /// The body as received, in one buffer sized from `Content-Length` when the server sends one (a LIST of a
    /// thousand objects is megabytes: grown chunk by chunk and then copied into `Data`, it was copied three times).
    private var body = ResponseBody()
    let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [CurlStringList] = []

    /// Configures `easy` for `job`; throws when the request cannot be expressed (bad URL, option refused).
    init(job: CurlJob, easy: CurlEasy) throws(TransportError) {
        self.job = job
        self.easy = easy
        let request = job.request
        server = CurlTransfer.serverName(of: request.url)
        let size = ccurl_error_size()
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        do throws(CurlSetoptError) {
            try configure(request)
        } catch {
            throw TransportError(
                code: .invalidRequest, server: server, message: "libcurl refused \(error.option): \(error.message)")
        }
    }

    deinit { errorBuffer.deallocate() }

    private func configure(_ request: HTTPRequest) throws(CurlSetoptError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(.noSignal)
        try easy.set(.errorBuffer(errorBuffer))
        try easy.set(.writeFunction(curlWriteBody, me))
        try easy.set(.headerFunction(curlWriteHeader, me))
        try easy.set(.http2OverTLS)
        try easy.set(.acceptEncoding(""))
        let ms = max(1, Int(request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds / 1_000_000_000_000_000))
        try easy.set(.timeoutMilliseconds(ms))
        try easy.set(.connectTimeoutMilliseconds(min(ms, 10_000)))

        var url = request.url
        var headerLines = request.headers.map { "\($0.name): \($0.value)" }
        // `Expect: 100-continue` stalls small servers for a second; Kubernetes never needs it.
        headerLines.append("Expect:")
        if let serverName = request.tls.serverName, let parts = URLComponents(string: request.url), let host = parts.host {
            // Verify (and send SNI for) `serverName` while connecting to the URL's host, as kubectl's tls-server-name.
            let port = parts.port ?? (parts.scheme == "http" ? 80 : 443)
            var renamed = parts
            renamed.host = serverName
            url = renamed.string ?? url
            let connectHost = host.contains(":") ? "[\(host)]" : host
            let list = CurlStringList(["\(serverName):\(port):\(connectHost):\(port)"])
            lists.append(list)
            try easy.set(.connectTo(list))
            if !request.headers.contains(where: { $0.name.lowercased() == "host" }) {
                headerLines.append("Host: \(connectHost):\(port)")
            }
        }
        try easy.set(.url(url))
        let headers = CurlStringList(headerLines)
        lists.append(headers)
        try easy.set(.headers(headers))

        switch request.method.uppercased() {
        case "GET" where request.body == nil: try easy.set(.httpGet)
        case "HEAD": try easy.set(.noBody)
        case let method:
            if let body = request.body { try easy.set(.body([UInt8](body))) }
            if method != "POST" || request.body == nil { try easy.set(.customRequest(method)) }
        }

        let tls = request.tls
        if let ca = tls.certificateAuthority { try easy.set(.caInfoBlob([UInt8](ca))) }
        if let cert = tls.clientCertificate { try easy.set(.clientCertificateBlob([UInt8](cert))) }
        if let key = tls.clientKey { try easy.set(.clientKeyBlob([UInt8](key))) }
        if tls.insecureSkipVerify { try easy.set(.verifyPeer(false)) }
        if let proxy = request.proxy { try easy.set(.proxy(proxy)) }
    }

    /// The response, once libcurl reports the transfer done with `CURLE_OK`.
    func response() -> HTTPResponse {
        var response = HTTPResponse(
            status: easy.infoLong(CURLINFO_RESPONSE_CODE), headers: responseHeaders, body: body.take())
        let version: String
        switch easy.infoLong(CURLINFO_HTTP_VERSION) {
        case CURL_HTTP_VERSION_1_0: version = "1.0"
        case CURL_HTTP_VERSION_1_1: version = "1.1"
        case CURL_HTTP_VERSION_2_0: version = "2"
        case CURL_HTTP_VERSION_3: version = "3"
        default: version = ""
        }
        response.metrics = HTTPMetrics(
            totalTime: .microseconds(easy.infoOff(CURLINFO_TOTAL_TIME_T)),
            bytesSent: easy.infoLong(CURLINFO_REQUEST_SIZE) + easy.infoOff(CURLINFO_SIZE_UPLOAD_T),
            bytesReceived: easy.infoLong(CURLINFO_HEADER_SIZE) + easy.infoOff(CURLINFO_SIZE_DOWNLOAD_T),
            newConnections: easy.infoLong(CURLINFO_NUM_CONNECTS),
            httpVersion: version)
        return response
    }

    /// The transport error for a transfer that ended with `code`.
    func failure(_ code: CURLcode) -> TransportError {
        let detail = String(decoding: UnsafeRawBufferPointer(start: errorBuffer, count: strlen(errorBuffer)), as: UTF8.self)
        var error = CurlErrorMapping.error(code: code, detail: detail, server: server)
        // With TLS 1.3 a server that wants a client certificate rejects it after the handshake, and libcurl may only
        // see the connection drop. Keep the code (a reset stays retryable) but say what is likely.
        if error.code == .connectionReset, server.hasPrefix("https://"), job.request.tls.clientCertificate == nil,
            responseHeaders.isEmpty
        {
            error.message += "; the server closed the TLS connection without answering: if it requires a client "
                + "certificate, configure one (client-certificate/client-key, or an exec plugin that returns one)"
        }
        return error
    }

    /// `scheme://host:port` of a URL, without user info, path or query.
    static func serverName(of url: String) -> String {
        guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return "<invalid URL>" }
        let port = c.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)\(port)"
    }

    /// Appends body bytes (called from the write callback).
    /// `false` when memory ran out (the write callback then ends the transfer with an error).
    fileprivate func appendBody(_ buffer: UnsafeRawBufferPointer) -> Bool {
        if body.count == 0, let length = responseHeaders["content-length"].flatMap(Int.init), length > 0 {
            // (A length over 256 MiB is not trusted up front: the buffer grows as bytes arrive.)
            _ = body.reserve(min(length, 256 << 20))
        }
        return body.append(buffer)
    }

    /// Records one header line (called from the header callback); a status line starts a new header block.
    fileprivate func appendHeaderLine(_ buffer: UnsafeRawBufferPointer) {
        let line = String(decoding: buffer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            responseHeaders = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if let existing = responseHeaders[name] {
            responseHeaders[name] = existing + ", " + value
        } else {
            responseHeaders[name] = value
        }
    }
}

@available(*, unavailable)
extension CurlTransfer: Sendable {}

/// CURLOPT_WRITEFUNCTION: non-capturing; the transfer comes back from userdata.
private func curlWriteBody(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let ptr, let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.appendBody(UnsafeRawBufferPointer(start: ptr, count: size * count)) ? size * count : 0
}

/// CURLOPT_HEADERFUNCTION: non-capturing; the transfer comes back from userdata.
private func curlWriteHeader(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ user: UnsafeMutableRawPointer?) -> Int {
    guard let ptr, let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    transfer.appendHeaderLine(UnsafeRawBufferPointer(start: ptr, count: size * count))
    return size * count
}

/// A growable byte buffer handed over to `Data` without a copy.
private struct ResponseBody: ~Copyable {
    private var start: UnsafeMutableRawPointer?
    private(set) var count = 0
    private var capacity = 0

    /// Room for `bytes` in all; `false` when the memory cannot be had.
    mutating func reserve(_ bytes: Int) -> Bool {
        guard bytes > capacity else { return true }
        guard let grown = realloc(start, bytes) else { return false }
        start = grown
        capacity = bytes
        return true
    }

    /// Appends `buffer`; `false` when the memory cannot be had (nothing is appended then).
    mutating func append(_ buffer: UnsafeRawBufferPointer) -> Bool {
        guard let source = buffer.baseAddress, buffer.count > 0 else { return true }
        if count + buffer.count > capacity, !reserve(max(count + buffer.count, capacity * 2, 16 * 1024)) { return false }
        guard let start else { return false }
        (start + count).copyMemory(from: source, byteCount: buffer.count)
        count += buffer.count
        return true
    }

    /// The bytes as `Data`, which now owns the buffer (freed with it).
    mutating func take() -> Data {
        guard let start, count > 0 else { return Data() }
        let data = Data(bytesNoCopy: start, count: count, deallocator: .free)
        self.start = nil
        count = 0
        capacity = 0
        return data
    }

    deinit { free(start) }
}
