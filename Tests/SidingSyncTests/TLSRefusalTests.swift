import Foundation
import SidingCore
import SidingSync
import SidingTestKit
import Testing

/// The listener checked with a real, independent TLS client (`openssl s_client`): anything but TLS 1.3
/// with a partner's certificate is refused in the handshake. And a dialler refuses a server whose node
/// ID is not the one it was given.
@Suite(.serialized) struct TLSRefusalTests {
    static let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs s_client, sending a few bytes after the handshake so it reads the server's verdict.
    func sClient(_ port: Int, _ options: String) throws -> ProcessResult {
        try runProcess(
            "/bin/sh",
            ["-c", "(sleep 1; printf hello) | timeout 10 \(Self.openssl ?? "openssl") s_client -connect 127.0.0.1:\(port) \(options) 2>&1"])
    }

    @Test(.enabled(if: openssl != nil)) func independentClientsWithoutAPartnerCertificateAreRefused() async throws {
        let a = try SyncTestNode(name: "A")
        try await a.start()
        let directory = TemporaryDirectory("openssl")
        let keyFile = directory.file("key.pem"), certificateFile = directory.file("cert.pem")
        let made = try runProcess(
            Self.openssl ?? "openssl",
            [
                "req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", keyFile, "-out", certificateFile, "-subj", "/CN=stranger", "-days", "1",
            ])
        #expect(made.status == 0)

        let noCertificate = try sClient(a.port, "-tls1_3")
        #expect(noCertificate.status != 0 && noCertificate.stdout.contains("alert certificate required"), "\(noCertificate.stdout.suffix(300))")
        let unknown = try sClient(a.port, "-tls1_3 -cert \(certificateFile) -key \(keyFile)")
        #expect(unknown.status != 0 && unknown.stdout.contains("alert"), "\(unknown.stdout.suffix(300))")
        let oldTLS = try sClient(a.port, "-tls1_2 -cert \(certificateFile) -key \(keyFile)")
        #expect(oldTLS.status != 0 && oldTLS.stdout.contains("alert protocol version"), "\(oldTLS.stdout.suffix(300))")
        #expect(try a.store.versionVector().entries.isEmpty)
        await a.stop()
    }

    @Test func aDiallerRefusesAServerWithTheWrongNodeID() async throws {
        let (a, b, impostor) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "B"), try SyncTestNode(name: "Impostor"))
        try await impostor.start()
        try await b.start()
        try impostor.write(3)
        // B believes A is at the impostor's address; the impostor even lists B as its partner.
        await impostor.engine.addPartner(Partner(nodeID: b.nodeID, name: "B", address: nil))
        await b.engine.addPartner(Partner(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(impostor.port)"))
        #expect(try await eventually { try await b.engine.statuses().first?.lastError != nil })
        #expect(try await b.engine.statuses().first?.connected == false)
        #expect(try b.store.versionVector().entries.isEmpty)
        await impostor.stop()
        await b.stop()
    }
}
