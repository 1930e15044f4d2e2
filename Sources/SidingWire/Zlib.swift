import CZlib

/// zlib (RFC 1950) through the system library's C API, with the checks a hostile peer requires:
/// the inflated size is declared and capped before inflating, and a truncated stream, trailing
/// bytes or a length mismatch are errors (a wrapper that reports "success" on truncation is not enough).
public enum Zlib {
    public static func deflate(_ input: [UInt8], level: Int32 = WireLimits.compressionLevel) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let produced: Int = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                guard CZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END else { return -1 }
                return Int(stream.total_out)
            }
        }
        return produced >= 0 ? Array(output.prefix(produced)) : []
    }

    /// Inflates exactly `declaredLength` bytes; anything else about the stream is an error.
    public static func inflate(_ input: [UInt8], declaredLength: Int, limit: Int = WireLimits.maxInflatedBytes) throws(WireError) -> [UInt8] {
        guard declaredLength >= 0, declaredLength <= limit else { throw .inflatedTooLarge(declared: declaredLength, limit: limit) }
        guard !input.isEmpty else { throw .badCompression("empty stream") }
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .badCompression("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        // One spare byte: a stream that inflates to more than declared fills it and is caught.
        var output = [UInt8](repeating: 0, count: declaredLength + 1)
        let (status, produced, leftover): (Int32, Int, Int) = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                let status = CZlib.inflate(&stream, Z_FINISH)
                return (status, Int(stream.total_out), Int(stream.avail_in))
            }
        }
        switch status {
        case Z_STREAM_END:
            guard leftover == 0 else { throw .badCompression("\(leftover) bytes after the end of the stream") }
            guard produced == declaredLength else {
                throw .badCompression("inflated to \(produced) bytes, \(declaredLength) declared")
            }
            return Array(output.prefix(produced))
        case Z_BUF_ERROR where produced > declaredLength:
            throw .badCompression("inflates to more than the \(declaredLength) bytes declared")
        case Z_BUF_ERROR:
            throw .badCompression("truncated stream")
        default:
            throw .badCompression("corrupt stream (zlib status \(status))")
        }
    }
}
