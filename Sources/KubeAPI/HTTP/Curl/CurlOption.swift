internal import CCurl

/// The libcurl options this transport uses, each applying itself through a typed shim wrapper.
///
/// Call sites never see `CURLOPT_*` or a variadic call. Pointers passed here (slists, buffers, userdata) must
/// outlive the transfer; strings and blobs are copied by libcurl.
enum CurlOption {
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_URL.html
    case url(String)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CUSTOMREQUEST.html
    case customRequest(String)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_HTTPGET.html
    case httpGet
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_NOBODY.html
    case noBody
    /// The request body, copied by libcurl. - SeeAlso: https://curl.se/libcurl/c/CURLOPT_COPYPOSTFIELDS.html
    case body([UInt8])
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_HTTPHEADER.html
    case headers(CurlStringList)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CONNECT_TO.html
    case connectTo(CurlStringList)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_TIMEOUT_MS.html
    case timeoutMilliseconds(Int)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CONNECTTIMEOUT_MS.html
    case connectTimeoutMilliseconds(Int)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_HTTP_VERSION.html (CURL_HTTP_VERSION_2TLS)
    case http2OverTLS
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_NOSIGNAL.html
    case noSignal
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_ERRORBUFFER.html
    case errorBuffer(UnsafeMutablePointer<CChar>)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_WRITEFUNCTION.html and CURLOPT_WRITEDATA
    case writeFunction(ccurl_data_cb, UnsafeMutableRawPointer)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_HEADERFUNCTION.html and CURLOPT_HEADERDATA
    case headerFunction(ccurl_data_cb, UnsafeMutableRawPointer)
    /// PEM CA bundle in memory. - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CAINFO_BLOB.html
    case caInfoBlob([UInt8])
    /// PEM client certificate in memory. - SeeAlso: https://curl.se/libcurl/c/CURLOPT_SSLCERT_BLOB.html
    case clientCertificateBlob([UInt8])
    /// PEM client key in memory. - SeeAlso: https://curl.se/libcurl/c/CURLOPT_SSLKEY_BLOB.html
    case clientKeyBlob([UInt8])
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_SSL_VERIFYPEER.html and CURLOPT_SSL_VERIFYHOST
    case verifyPeer(Bool)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_PROXY.html
    case proxy(String)
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_ACCEPT_ENCODING.html ("" = every encoding curl supports)
    case acceptEncoding(String)

    /// The libcurl name, for error messages.
    var name: String {
        switch self {
        case .url: return "CURLOPT_URL"
        case .customRequest: return "CURLOPT_CUSTOMREQUEST"
        case .httpGet: return "CURLOPT_HTTPGET"
        case .noBody: return "CURLOPT_NOBODY"
        case .body: return "CURLOPT_COPYPOSTFIELDS"
        case .headers: return "CURLOPT_HTTPHEADER"
        case .connectTo: return "CURLOPT_CONNECT_TO"
        case .timeoutMilliseconds: return "CURLOPT_TIMEOUT_MS"
        case .connectTimeoutMilliseconds: return "CURLOPT_CONNECTTIMEOUT_MS"
        case .http2OverTLS: return "CURLOPT_HTTP_VERSION"
        case .noSignal: return "CURLOPT_NOSIGNAL"
        case .errorBuffer: return "CURLOPT_ERRORBUFFER"
        case .writeFunction: return "CURLOPT_WRITEFUNCTION"
        case .headerFunction: return "CURLOPT_HEADERFUNCTION"
        case .caInfoBlob: return "CURLOPT_CAINFO_BLOB"
        case .clientCertificateBlob: return "CURLOPT_SSLCERT_BLOB"
        case .clientKeyBlob: return "CURLOPT_SSLKEY_BLOB"
        case .verifyPeer: return "CURLOPT_SSL_VERIFYPEER"
        case .proxy: return "CURLOPT_PROXY"
        case .acceptEncoding: return "CURLOPT_ACCEPT_ENCODING"
        }
    }

    /// Sets the option on `handle`; returns libcurl's code.
    func apply(to h: UnsafeMutableRawPointer) -> CURLcode {
        switch self {
        case .url(let s): return ccurl_setopt_str(h, CURLOPT_URL, s)
        case .customRequest(let s): return ccurl_setopt_str(h, CURLOPT_CUSTOMREQUEST, s)
        case .httpGet: return ccurl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case .noBody: return ccurl_setopt_long(h, CURLOPT_NOBODY, 1)
        case .body(let bytes):
            let size = ccurl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            guard size == CURLE_OK else { return size }
            // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes at once, so the buffer need not outlive this call; an
            // empty body still needs a valid pointer.
            let storage = bytes.isEmpty ? [0] : bytes
            return storage.withUnsafeBytes { buf in
                ccurl_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress))
            }
        case .headers(let list): return ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, list.raw)
        case .connectTo(let list): return ccurl_setopt_slist(h, CURLOPT_CONNECT_TO, list.raw)
        case .timeoutMilliseconds(let ms): return ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, ms)
        case .connectTimeoutMilliseconds(let ms): return ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, ms)
        case .http2OverTLS: return ccurl_setopt_long(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        case .noSignal: return ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        case .errorBuffer(let p): return ccurl_setopt_ptr(h, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(p))
        case .writeFunction(let f, let user):
            let c = ccurl_setopt_write_fn(h, f)
            return c == CURLE_OK ? ccurl_setopt_ptr(h, CURLOPT_WRITEDATA, user) : c
        case .headerFunction(let f, let user):
            let c = ccurl_setopt_header_fn(h, f)
            return c == CURLE_OK ? ccurl_setopt_ptr(h, CURLOPT_HEADERDATA, user) : c
        case .caInfoBlob(let b): return b.withUnsafeBytes { ccurl_setopt_blob(h, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) }
        case .clientCertificateBlob(let b):
            let c = b.withUnsafeBytes { ccurl_setopt_blob(h, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) }
            return c == CURLE_OK ? ccurl_setopt_str(h, CURLOPT_SSLCERTTYPE, "PEM") : c
        case .clientKeyBlob(let b):
            let c = b.withUnsafeBytes { ccurl_setopt_blob(h, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count) }
            return c == CURLE_OK ? ccurl_setopt_str(h, CURLOPT_SSLKEYTYPE, "PEM") : c
        case .verifyPeer(let on):
            let c = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, on ? 1 : 0)
            return c == CURLE_OK ? ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, on ? 2 : 0) : c
        case .proxy(let s): return ccurl_setopt_str(h, CURLOPT_PROXY, s)
        case .acceptEncoding(let s): return ccurl_setopt_str(h, CURLOPT_ACCEPT_ENCODING, s)
        }
    }
}
