internal import CCurl

/// Runs `curl_global_init` once per process, lazily, before the first handle is made.
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// Makes sure libcurl's global state is initialised; returns libcurl's result code.
func ensureCurlInitialized() -> CURLcode { curlGlobalInit }

/// The one Swift owner of a `CURL*` easy handle.
///
/// Intentionally **not** thread safe: a handle is created, configured, run and freed by the transport's driver
/// thread only. `reset()` clears the options but keeps the handle's caches (DNS, TLS sessions).
final class CurlEasy {
    /// The raw handle; never leaves the curl layer.
    let raw: UnsafeMutableRawPointer

    /// Creates a handle.
    init() throws(TransportError) {
        _ = ensureCurlInitialized()
        guard let handle = curl_easy_init() else {
            throw TransportError(code: .other, server: "", message: "curl_easy_init failed (out of memory?)")
        }
        raw = handle
    }

    deinit { curl_easy_cleanup(raw) }

    /// Returns every option to its default, keeping caches.
    func reset() { curl_easy_reset(raw) }

    /// Applies one option; throws the libcurl message naming the option when libcurl refuses it.
    func set(_ option: CurlOption) throws(CurlSetoptError) {
        let code = option.apply(to: raw)
        guard code == CURLE_OK else {
            throw CurlSetoptError(option: option.name, message: String(cString: curl_easy_strerror(code)))
        }
    }

    /// A `long` transfer info (`CURLINFO_RESPONSE_CODE`, `CURLINFO_NUM_CONNECTS`, ...); 0 when unavailable.
    func infoLong(_ info: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_getinfo_long(raw, info, &value)
        return value
    }

    /// A `curl_off_t` transfer info (`CURLINFO_TOTAL_TIME_T`, `CURLINFO_SIZE_DOWNLOAD_T`, ...); 0 when unavailable.
    func infoOff(_ info: CURLINFO) -> Int {
        var value: curl_off_t = 0
        _ = ccurl_getinfo_off(raw, info, &value)
        return Int(value)
    }
}

@available(*, unavailable)
extension CurlEasy: Sendable {}

/// libcurl refused an option (an unsupported feature or a bad value).
struct CurlSetoptError: Error {
    /// The option's name, e.g. `CURLOPT_SSLCERT_BLOB`.
    var option: String
    /// libcurl's description.
    var message: String
}

/// The one Swift owner of a `curl_slist`; frees it on deinit. Keep it alive while a transfer uses it.
final class CurlStringList {
    /// The list head; `nil` while empty.
    private(set) var raw: UnsafeMutablePointer<curl_slist>?

    /// Creates a list of the given strings.
    init(_ strings: [String]) {
        for s in strings { raw = curl_slist_append(raw, s) }
    }

    deinit { curl_slist_free_all(raw) }
}

@available(*, unavailable)
extension CurlStringList: Sendable {}
