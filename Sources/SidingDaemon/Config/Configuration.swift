import Logging
import SidingAPI

/// The node's settings from `<home>/siding.toml`.
public struct Configuration: Sendable, Equatable {
    public var name: String
    public var listen: ListenAddress
    /// The local API socket; nil means `<home>/siding.sock`.
    public var socketPath: String?
    /// Whether members of the daemon's group may use the local API (socket mode 0660 instead of 0600).
    public var groupAccess: Bool
    public var logLevel: Logger.Level
    /// The circle new records go into when no `--circle` is given (a name, label or ID); nil: the
    /// network, as before circles (a configuration written before them has no such key).
    public var defaultCircle: String?

    static let knownKeys: Set<String> = ["node.name", "network.listen", "api.socket", "api.group_access", "log.level", "sharing.default_circle"]

    public init(
        name: String, listen: ListenAddress, socketPath: String? = nil, groupAccess: Bool = false, logLevel: Logger.Level = .info,
        defaultCircle: String? = nil
    ) {
        self.name = name
        self.listen = listen
        self.socketPath = socketPath
        self.groupAccess = groupAccess
        self.logLevel = logLevel
        self.defaultCircle = defaultCircle
    }

    public init(parsing text: String, file: String) throws(DaemonError) {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text, file: file)
        } catch {
            throw .config(file: file, line: error.line, reason: error.reason)
        }
        for (key, entry) in document.values where !Self.knownKeys.contains(key) {
            throw .config(file: file, line: entry.line, reason: "unknown setting '\(key)'")
        }
        func string(_ key: String) throws(DaemonError) -> (String, Int)? {
            guard let entry = document.values[key] else { return nil }
            guard case .string(let text) = entry.value else { throw .config(file: file, line: entry.line, reason: "\(key) must be a quoted string") }
            return (text, entry.line)
        }
        guard let (name, nameLine) = try string("node.name") else { throw .config(file: file, line: 1, reason: "node.name is missing") }
        guard !name.trimmingWhitespace.isEmpty else { throw .config(file: file, line: nameLine, reason: "node.name must not be empty") }
        self.name = name
        let (listenText, listenLine) = try string("network.listen") ?? ("127.0.0.1:7400", 1)
        guard let listen = ListenAddress(listenText) else {
            throw .config(file: file, line: listenLine, reason: DaemonError.invalidListenAddress(listenText).description)
        }
        self.listen = listen
        let socket = try string("api.socket")?.0
        socketPath = socket?.isEmpty == false ? socket : nil
        if let entry = document.values["api.group_access"] {
            guard case .bool(let flag) = entry.value else {
                throw .config(file: file, line: entry.line, reason: "api.group_access must be true or false")
            }
            groupAccess = flag
        } else {
            groupAccess = false
        }
        if let (level, line) = try string("log.level") {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw .config(file: file, line: line, reason: "log.level must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = parsed
        } else {
            logLevel = .info
        }
        if let (circle, line) = try string("sharing.default_circle") {
            guard !circle.trimmingWhitespace.isEmpty else {
                throw .config(file: file, line: line, reason: "sharing.default_circle must name a circle (e.g. \"partners\" or \"network\")")
            }
            defaultCircle = circle
        } else {
            defaultCircle = nil
        }
    }

    /// The file `siding init` writes: every key present and commented.
    public var fileText: String {
        """
        # Siding node configuration. Changes take effect when sidingd restarts.

        [node]
        # The organisation's name, shown to partners and in `siding status`.
        name = \(TOMLDocument.quoted(name))

        [network]
        # Where partners connect (HOST:PORT). 127.0.0.1 keeps the node private to this machine;
        # 0.0.0.0 listens on every interface; port 0 picks a free port (shown by `siding status`).
        listen = \(TOMLDocument.quoted(listen.description))

        [api]
        # Unix socket of the local API that the `siding` CLI uses. Empty: siding.sock in this home.
        socket = \(TOMLDocument.quoted(socketPath ?? ""))
        # true lets members of the daemon's group use the CLI (socket mode 0660); false: owner only (0600).
        group_access = \(groupAccess)

        [log]
        # One of trace, debug, info, notice, warning, error, critical. Contact and note content is never logged.
        level = \(TOMLDocument.quoted(logLevel.rawValue))
        \(sharingSection)
        """
    }

    /// Left out when unset, so the node keeps sending new records to the network as before circles.
    private var sharingSection: String {
        guard let defaultCircle else { return "" }
        return """

            [sharing]
            # The circle new records go into when no --circle is given: "partners" (this node and its
            # partners, nobody further), "network" (every partner and their partners), or a circle's name or ID.
            default_circle = \(TOMLDocument.quoted(defaultCircle))

            """
    }
}

/// HOST:PORT where the node listens for partners.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // Brackets only enclose an IPv6 host: one left inside would not survive `description`.
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "[" || $0 == "]" }),
            let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port)
        else { return nil }
        self.host = host
        self.port = port
    }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
