import Foundation

/// Stdout or stderr, written with write(2). Foundation's `FileHandle.write(_:)` traps when the write
/// fails, and it does fail once the reader has gone away (EPIPE: `siding … | head`), because NIO
/// ignores SIGPIPE for the whole process; a tool in a pipeline has to notice that and stop quietly.
/// Shared by `siding` and `sidingd`.
public enum StandardStream: Sendable {
    case output
    case error

    /// Why bytes could not be written.
    public enum WriteError: Error, Equatable, Sendable {
        /// The reading end was closed (EPIPE): nobody wants the rest.
        case readerGone
        /// Any other failure (a full disk, an I/O error), with its errno.
        case failed(errno: Int32)

        public var reason: String {
            switch self {
            case .readerGone: String(cString: strerror(EPIPE))
            case .failed(let number): String(cString: strerror(number))
            }
        }
    }

    private var descriptor: Int32 {
        switch self {
        case .output: STDOUT_FILENO
        case .error: STDERR_FILENO
        }
    }

    /// Writes all of `text` as UTF-8, retrying short and interrupted writes.
    public func write(_ text: String) throws(WriteError) {
        var text = text
        let outcome = text.withUTF8 { bytes in
            Result { () throws(WriteError) in try write(UnsafeRawBufferPointer(bytes)) }
        }
        try outcome.get()
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws(WriteError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if written >= 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN: waitUntilWritable()
            case EPIPE: throw .readerGone
            case let number: throw .failed(errno: number)
            }
        }
    }

    /// A descriptor inherited in non-blocking mode: block in poll(2) until the reader made room.
    private func waitUntilWritable() {
        var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        _ = poll(&request, 1, -1)
    }
}
