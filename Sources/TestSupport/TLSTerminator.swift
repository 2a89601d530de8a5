import Foundation

/// `socat` terminating TLS on a loopback port in front of a plain TCP server, optionally requiring a client
/// certificate signed by `clientCA`.
public final class TLSTerminator: Sendable {
    /// The TLS port on 127.0.0.1.
    public let port: Int
    private let process: ManagedProcess

    /// Starts socat; waits until the port accepts connections.
    public init(
        certificate: String, key: String, clientCA: String?, backendPort: Int, logDirectory: String
    ) throws {
        guard let socat = Command.which("socat") else { throw TestSupportError("socat is not installed") }
        var lastError = ""
        for _ in 0..<5 {
            let port = LoopbackPorts.free()
            var listen = "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(certificate),key=\(key)"
            if let clientCA { listen += ",cafile=\(clientCA),verify=1" } else { listen += ",verify=0" }
            let p = try ManagedProcess.start(socat, [listen, "TCP:127.0.0.1:\(backendPort)"], logDirectory: logDirectory, name: "socat")
            if LoopbackPorts.waitUntil(timeout: .seconds(5), { LoopbackPorts.isListening(port) || !p.isRunning }), p.isRunning {
                self.port = port
                process = p
                return
            }
            lastError = p.stderr
            p.stop()
        }
        throw TestSupportError("socat did not start: \(lastError)")
    }

    /// Kills socat.
    public func stop() { process.stop() }
}
