import Crypto
import Foundation
import NIOSSL
import SidingCore
import X509

/// The node key as a TLS identity: a self-signed Ed25519 certificate made at start-up. Partners pin the
/// node ID (the hash of the public key), never a CA, so the certificate's other contents do not matter.
public struct NodeIdentity: Sendable {
    public let nodeID: NodeID
    /// The node's public key: the origin of every change it makes.
    public let origin: OriginKey
    let certificate: NIOSSLCertificate
    let privateKey: NIOSSLPrivateKey

    public init(key: Curve25519.Signing.PrivateKey, name: String, now: Date) throws {
        let origin = OriginKey(key.publicKey)
        self.origin = origin
        nodeID = origin.nodeID
        let certificateKey = Certificate.PrivateKey(key)
        let subject = try DistinguishedName {
            CommonName("siding-node \(origin.nodeID)")
            OrganizationName(String(name.prefix(64)))
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: certificateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(100 * 365 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ed25519, extensions: Certificate.Extensions(),
            issuerPrivateKey: certificateKey)
        self.certificate = try NIOSSLCertificate(bytes: Array(try certificate.serializeAsPEM().pemString.utf8), format: .pem)
        privateKey = try NIOSSLPrivateKey(bytes: Array(try certificateKey.serializeAsPEM().pemString.utf8), format: .pem)
    }

    /// The Ed25519 key in a peer's certificate, or nil if it holds another kind of key.
    static func origin(of certificate: NIOSSLCertificate) -> OriginKey? {
        // SubjectPublicKeyInfo of an Ed25519 key (RFC 8410): this fixed 12-byte prefix, then the 32-byte key.
        let prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        guard let spki = try? certificate.extractPublicKey().toSPKIBytes(), spki.count == 44, Array(spki.prefix(12)) == prefix,
            let origin = OriginKey(bytes: Array(spki.suffix(32)))
        else { return nil }
        return origin
    }
}
