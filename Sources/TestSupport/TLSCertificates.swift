import Foundation

/// A throw-away PKI made with `openssl` in a temp directory: a CA, a server certificate for `DNS:localhost` and
/// `IP:127.0.0.1`, a client certificate, and a second, unrelated CA (for "wrong CA" tests). EC P-256 keys, valid
/// two days. File paths and PEM contents are both available.
///
/// ```swift
/// let pki = try TLSCertificates.generate(in: tmp.path)
/// let tls = TLSOptions(certificateAuthority: pki.caPEM, clientCertificate: pki.clientCertPEM, clientKey: pki.clientKeyPEM)
/// ```
public struct TLSCertificates: Sendable {
    /// The directory holding the files.
    public let directory: String
    /// CA certificate path.
    public var caCertPath: String { directory + "/ca.pem" }
    /// CA key path.
    public var caKeyPath: String { directory + "/ca.key" }
    /// Server certificate path (SANs `DNS:localhost`, `IP:127.0.0.1`).
    public var serverCertPath: String { directory + "/server.pem" }
    /// Server key path.
    public var serverKeyPath: String { directory + "/server.key" }
    /// Client certificate path.
    public var clientCertPath: String { directory + "/client.pem" }
    /// Client key path.
    public var clientKeyPath: String { directory + "/client.key" }
    /// An unrelated CA's certificate path.
    public var otherCACertPath: String { directory + "/other-ca.pem" }

    /// CA certificate PEM.
    public var caPEM: Data { read(caCertPath) }
    /// Client certificate PEM.
    public var clientCertPEM: Data { read(clientCertPath) }
    /// Client key PEM.
    public var clientKeyPEM: Data { read(clientKeyPath) }
    /// The unrelated CA's PEM.
    public var otherCAPEM: Data { read(otherCACertPath) }

    /// Generates everything in `directory` (which must exist).
    public static func generate(in directory: String, clientCommonName: String = "gitcanary-test") throws -> TLSCertificates {
        let pki = TLSCertificates(directory: directory)
        try pki.makeCA(name: "ca", subject: "/CN=gitcanary-test-ca")
        try pki.makeCA(name: "other-ca", subject: "/CN=unrelated-ca")
        try pki.issue(name: "server", subject: "/CN=localhost", extensions: [
            "subjectAltName=DNS:localhost,IP:127.0.0.1", "extendedKeyUsage=serverAuth",
        ])
        try pki.issue(name: "client", subject: "/CN=\(clientCommonName)/O=gitcanary", extensions: ["extendedKeyUsage=clientAuth"])
        return pki
    }

    /// Issues another server certificate signed by the CA, e.g. for `DNS:api.internal` only (tls-server-name tests).
    /// Returns the certificate and key paths.
    public func issueServerCertificate(name: String, dnsNames: [String], ipAddresses: [String] = []) throws -> (cert: String, key: String) {
        let sans = (dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }).joined(separator: ",")
        try issue(name: name, subject: "/CN=\(dnsNames.first ?? name)", extensions: [
            "subjectAltName=\(sans)", "extendedKeyUsage=serverAuth",
        ])
        return (directory + "/\(name).pem", directory + "/\(name).key")
    }

    private func makeCA(name: String, subject: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", subject,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func issue(name: String, subject: String, extensions: [String]) throws {
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key",
            "-out", "\(name).csr", "-subj", subject,
        ])
        let ext = directory + "/\(name).ext"
        try (extensions.joined(separator: "\n") + "\n").write(toFile: ext, atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "2", "-extfile", ext,
        ])
    }

    private func openssl(_ args: [String]) throws {
        guard let exe = Command.which("openssl") else { throw TestSupportError("openssl is not installed") }
        try Command.run(exe, args, in: directory)
    }

    private func read(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }
}
