import Foundation
import SidingAPI
import SidingTestKit
import Testing

/// `GET /metrics` scraped from real daemons after a real sync: the names and types an operator's
/// dashboards rely on, and counters that moved the way the sync went.
@Suite(.serialized) struct MetricsTests {
    static let expectedTypes = [
        "siding_node_info": "gauge", "siding_partners": "gauge", "siding_partners_connected": "gauge",
        "siding_partner_connected": "gauge", "siding_changes_held": "gauge", "siding_partner_changes_missing_here": "gauge",
        "siding_partner_changes_missing_there": "gauge", "siding_sent_bytes_total": "counter", "siding_received_bytes_total": "counter",
        "siding_sent_changes_total": "counter", "siding_received_changes_total": "counter",
        "siding_refused_connections_total": "counter", "siding_equivocations": "gauge",
        "siding_commit_duration_seconds": "histogram", "siding_apply_duration_seconds": "histogram",
    ]

    @Test func aScrapeAfterASyncShowsTheTrafficOnBothSides() async throws {
        let a = try TestNode(name: "A")
        let b = try TestNode(name: "B \"Kyiv\" office")
        let stranger = try TestNode(name: "Stranger")
        for node in [a, b, stranger] { try await node.start() }
        defer { for node in [a, b, stranger] { node.stop() } }
        let bAddress = try await b.client.node().listen
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B \"Kyiv\" office", address: bAddress))
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: nil))
        // The stranger dials B, which has never heard of it: refused in the TLS handshake.
        _ = try await stranger.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: bAddress))

        for index in 0..<3 {
            #expect(try a.siding("contact", "add", "--name", "Person \(index)").status == 0)
        }
        #expect(try await eventually { try await b.client.digest().viewDigest == a.client.digest().viewDigest })

        let (status, contentType, body) = try await Self.scrape(a)
        #expect(status == 200)
        #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
        let scrapeA = try Scrape(body)
        #expect(scrapeA.types == Self.expectedTypes, "\(body)")
        let toB = #"{partner="\#(b.nodeID)",name="B \"Kyiv\" office"}"#
        #expect(scrapeA.value("siding_partners_connected") == 1)
        #expect(scrapeA.value("siding_partner_connected" + toB) == 1)
        #expect((scrapeA.value("siding_sent_changes_total" + toB) ?? 0) >= 3)
        #expect((scrapeA.value("siding_sent_bytes_total" + toB) ?? 0) > 0)
        #expect((scrapeA.value("siding_received_bytes_total" + toB) ?? 0) > 0)
        #expect(scrapeA.value(#"siding_changes_held{origin="\#(a.nodeID)",name="A"}"#) == 3)
        #expect((scrapeA.value("siding_commit_duration_seconds_count") ?? 0) >= 3, "every contact add was a commit")
        #expect(scrapeA.value(#"siding_commit_duration_seconds_bucket{le="+Inf"}"#) == scrapeA.value("siding_commit_duration_seconds_count"))
        #expect(scrapeA.value("siding_equivocations") == 0)

        let scrapeB = try Scrape(try await Self.scrape(b).body)
        let fromA = #"{partner="\#(a.nodeID)",name="A"}"#
        #expect((scrapeB.value("siding_received_changes_total" + fromA) ?? 0) >= 3)
        // B's partners circle: its create and A's admission (A is its partner, so a member).
        #expect(scrapeB.value("siding_sent_changes_total" + fromA) == 2, "B had nothing of its own to send but its partners circle")
        #expect((scrapeB.value("siding_apply_duration_seconds_count") ?? 0) >= 1)
        #expect(scrapeB.value(#"siding_changes_held{origin="\#(a.nodeID)",name="A"}"#) == 3)
        #expect(
            try await eventually {
                let scrape = try Scrape(try await Self.scrape(b).body)
                return (scrape.value(#"siding_refused_connections_total{reason="not_a_partner"}"#) ?? 0) >= 1
            })
    }

    /// A plain HTTP/1.1 request on the local API socket, as `curl --unix-socket` sends it.
    static func scrape(_ node: TestNode) async throws -> (status: Int, contentType: String?, body: String) {
        let request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        let response = String(decoding: try await rawExchange(unixSocket: node.client.socketPath, Array(request.utf8)), as: UTF8.self)
        let parts = response.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        let contentType = head.first { $0.lowercased().hasPrefix("content-type:") }.map {
            String($0.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces)
        }
        return (status, contentType, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// A scrape read back: each family's TYPE, and each sample by its full name-and-labels.
struct Scrape {
    var types: [String: String] = [:]
    var samples: [String: Double] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                types[String(parts[2])] = String(parts[3])
            } else if !line.hasPrefix("#") {
                let space = try #require(line.lastIndex(of: " "))
                samples[String(line[..<space])] = Double(line[line.index(after: space)...].replacingOccurrences(of: "+Inf", with: "inf"))
            }
        }
    }

    func value(_ sample: String) -> Double? { samples[sample] }
}
