internal import CCurl

/// Turns a libcurl result code and its error-buffer text into a ``TransportError`` a person can act on.
enum CurlErrorMapping {
    /// The transport error for `code`; `detail` is CURLOPT_ERRORBUFFER's text (may be empty).
    static func error(code: CURLcode, detail: String, server: String) -> TransportError {
        let base = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let lower = base.lowercased()
        let kind: TransportError.Code
        var message = base
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .couldNotResolve
        case CURLE_COULDNT_CONNECT:
            kind = .couldNotConnect
            message = "could not connect: \(base)"
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
            message = "timed out: \(base)"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            kind = .tlsCertificate
            message = "the server's TLS certificate was not accepted (\(base)); check certificate-authority / "
                + "certificate-authority-data and tls-server-name for this cluster"
        case CURLE_SSL_CERTPROBLEM:
            kind = .tlsClientCertificate
            message = "the client certificate or key could not be used (\(base)); check client-certificate(-data) "
                + "and client-key(-data)"
        case _ where isClientCertificateRejection(lower):
            kind = .tlsClientCertificate
            message = "the server rejected the TLS client certificate (\(base)); it requires a valid client "
                + "certificate: check client-certificate(-data) and client-key(-data)"
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CIPHER, CURLE_USE_SSL_FAILED:
            kind = .tls
            message = "TLS handshake failed: \(base)"
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .connectionReset
            message = "connection lost: \(base)"
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            kind = .invalidRequest
        default:
            kind = .other
        }
        return TransportError(code: kind, server: server, message: message)
    }

    /// OpenSSL alerts that mean "your client certificate is missing or not trusted".
    private static func isClientCertificateRejection(_ text: String) -> Bool {
        ["certificate required", "alert bad certificate", "alert unknown ca", "alert handshake failure",
         "alert certificate unknown"].contains { text.contains($0) }
    }
}
