import Foundation
internal import CGit2
import Synchronization

/// libgit2's trusted CA bundle and owner validation are process-wide settings; this applies them once per value.
///
/// mbedTLS replaces its whole CA chain when given a file, so a custom CA is combined with the system bundle in a
/// file under the cache directory (trusted CAs are public data) before being handed over.
enum TLSSettings {
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
    private static let current = Mutex<String?>(nil)

    /// The cache is ours, possibly on a volume owned by another uid: libgit2's owner check does not apply.
    static func disableOwnerValidation() { _ = cgit2_set_owner_validation(0) }

    /// Applies process-wide settings for one fetch: owner validation off (the cache is ours, possibly on a volume
    /// owned by another uid) and the CA bundle (system only, or system + `caFile`).
    static func apply(caFile: String?, scratchDirectory: String) throws(GitSourceError) {
        LibGit2.ensureInitialized()
        disableOwnerValidation()
        let bundle: String
        if let caFile {
            guard let custom = FileManager.default.contents(atPath: caFile) else {
                throw GitSourceError(.invalidConfiguration, "cannot read the CA file \(caFile)")
            }
            var combined = FileManager.default.contents(atPath: systemBundle) ?? Data()
            combined.append(0x0A)
            combined.append(custom)
            let digest = SHA1.hash(Array(combined)).prefix(6).map { String(format: "%02x", $0) }.joined()
            bundle = (scratchDirectory as NSString).appendingPathComponent("ca-bundle-\(digest).pem")
            if !FileManager.default.fileExists(atPath: bundle) {
                let temp = bundle + ".\(getpid()).tmp"
                guard FileManager.default.createFile(atPath: temp, contents: combined), rename(temp, bundle) == 0 else {
                    throw GitSourceError(.cache, "cannot write the CA bundle \(bundle); check --cache-dir is writable")
                }
            }
        } else {
            bundle = systemBundle
        }
        var failure: String?
        current.withLock { value in
            // libgit2 loads the system bundle at init: reload only to replace or restore a custom bundle
            // (parsing ~150 certificates costs milliseconds on every no-change run otherwise).
            guard value != bundle, value != nil || bundle != systemBundle else { return }
            if cgit2_set_ssl_cert_file(bundle) < 0 {
                failure = GitCallError.last(code: -1, function: "git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS)").description
            } else {
                value = bundle
            }
        }
        if let failure, caFile != nil || FileManager.default.fileExists(atPath: bundle) {
            throw GitSourceError(.certificate, "cannot load the CA bundle \(caFile ?? bundle); is it PEM?", gitFailure: failure)
        }
    }
}
