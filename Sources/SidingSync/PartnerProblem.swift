import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SidingCore

/// Why a partner could not be reached or a session with it failed, as a sentence someone can act on:
/// what `siding status` shows as the last error and what the log says once per change of state.
enum PartnerProblem {
    static func sentence(_ error: any Error, partner: String, address: String?, localID: NodeID) -> String {
        let at = address ?? "its address"
        if let failure = error as? NIOConnectionError {
            if failure.dnsAError != nil || failure.dnsAAAAError != nil {
                return "cannot resolve the host name of \(at); check \(partner)'s address (`siding peer add` again to change it)"
            }
            if let code = failure.connectionErrors.lazy.compactMap({ ($0.error as? IOError)?.errnoCode }).first {
                return connectFailure(code, partner: partner, address: at)
            }
        }
        if let code = (error as? IOError)?.errnoCode { return connectFailure(code, partner: partner, address: at) }
        if case ChannelError.connectTimeout(let amount) = error {
            return "no answer from \(at) within \(amount.nanoseconds / 1_000_000_000) s; is the address right and the port open in the firewall?"
        }
        if let sync = error as? SyncError {
            switch sync {
            case .wrongPartner(let presented):
                return "the node at \(at) presented node ID \(presented), expected \(partner)'s; check the address given to `siding peer add`"
            case .handshakeTimeout:
                return "\(at) accepted the connection but did not complete the TLS handshake in time; is a sidingd listening there?"
            case .connectionClosed, .notAPartner:
                return "\(at) closed the connection during the handshake: \(partner) has probably not added this node as a partner "
                    + "(on \(partner)'s host: `siding peer add \(localID)`)"
            default:
                return "\(partner): \(sync)"
            }
        }
        let text = "\(error)"
        // BoringSSL names the TLS alert the partner sent when it refused this node's certificate.
        if ["CERTIFICATE_UNKNOWN", "BAD_CERTIFICATE", "CERTIFICATE_REQUIRED", "HANDSHAKE_FAILURE", "UNKNOWN_CA"].contains(where: text.contains) {
            return "\(partner) has not added this node as a partner (it refused this node's certificate); on \(partner)'s host run "
                + "`siding peer add \(localID) --name …`"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the node at \(at) is not the partner this node expected (its certificate was refused); check \(partner)'s node ID and address"
        }
        return "\(partner): " + withoutSourcePaths(text)
    }

    private static func connectFailure(_ code: Int32, partner: String, address: String) -> String {
        switch code {
        case ECONNREFUSED: "connection refused by \(address): sidingd is not running there, or listens on another port"
        case EHOSTUNREACH, ENETUNREACH: "no route to \(address); check the network and \(partner)'s address"
        case ETIMEDOUT: "no answer from \(address); is the address right and the port open in the firewall?"
        default: "cannot connect to \(address): \(String(cString: strerror(code)))"
        }
    }

    /// Library errors can name the files they were raised in; a user needs none of that.
    static func withoutSourcePaths(_ text: String) -> String {
        text.split(separator: " ").filter { word in !(word.contains("/") && word.contains(where: \.isNumber) && word.contains(":")) }
            .joined(separator: " ")
    }
}
