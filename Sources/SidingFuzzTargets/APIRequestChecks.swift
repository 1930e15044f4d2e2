import SidingAPI
import SidingCore
import SidingDaemon

/// What the router (Sources/SidingDaemon/API/LocalAPIRouter.swift) and the node and partner services
/// do with a request before they reach the store: path and query parsing, the JSON body of every
/// request type, ID parsing and edit validation. Every outcome is acceptable except a crash.
enum APIRequestChecks {
    static func run(_ request: APIRequest) {
        let path = request.segments
        guard path.first == "v1", (2...3).contains(path.count) else { return }
        if path.count == 3 {
            _ = EntityID(path[2])
            _ = NodeID(path[2])
        }
        _ = Int(request.query["limit"] ?? "")
        _ = request.query["country"]?.uppercased()
        let kinds: [EntityKind] = [.contact, .note]
        if let create = try? request.decode(CreateRequest.self) {
            for kind in kinds {
                _ = try? EditValidation.validate(Edit(writes: create.set, additions: create.add), kind: kind, creating: true)
            }
        }
        if let edit = try? request.decode(EditRequest.self) {
            for kind in kinds {
                _ = try? EditValidation.validate(
                    Edit(writes: edit.set, additions: edit.add, removals: edit.remove), kind: kind, creating: false)
            }
        }
        if let peer = try? request.decode(PeerResource.self) {
            _ = NodeID(peer.nodeID)
            _ = peer.address.flatMap(ListenAddress.init)
        }
        _ = try? request.decode(BackupRequest.self)
    }
}
