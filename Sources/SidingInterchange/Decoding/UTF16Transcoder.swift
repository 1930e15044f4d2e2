/// Turns UTF-16 bytes into UTF-8 as they stream in, whatever the chunks split (a code unit, a
/// surrogate pair). A lone surrogate becomes the byte 0xFF, never valid UTF-8, so the line it is on is
/// refused like any undecodable line.
struct UTF16Transcoder {
    let littleEndian: Bool
    private var pendingByte: UInt8?
    private var pendingHighSurrogate: UInt16?

    init(littleEndian: Bool) { self.littleEndian = littleEndian }

    mutating func transcode(_ chunk: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(chunk.count)
        for byte in chunk {
            guard let first = pendingByte else {
                pendingByte = byte
                continue
            }
            pendingByte = nil
            let unit = littleEndian ? UInt16(byte) << 8 | UInt16(first) : UInt16(first) << 8 | UInt16(byte)
            take(unit, into: &output)
        }
        return output
    }

    /// The end of the input: a half code unit or an unpaired surrogate left over is invalid.
    mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        if pendingHighSurrogate != nil || pendingByte != nil { output.append(0xFF) }
        pendingHighSurrogate = nil
        pendingByte = nil
        return output
    }

    private mutating func take(_ unit: UInt16, into output: inout [UInt8]) {
        if let high = pendingHighSurrogate {
            pendingHighSurrogate = nil
            if (0xDC00...0xDFFF).contains(unit) {
                let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
                append(scalar, to: &output)
                return
            }
            output.append(0xFF)
        }
        switch unit {
        case 0xD800...0xDBFF: pendingHighSurrogate = unit
        case 0xDC00...0xDFFF: output.append(0xFF)
        default: append(UInt32(unit), to: &output)
        }
    }

    private func append(_ scalar: UInt32, to output: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(scalar) else { return output.append(0xFF) }
        output.append(contentsOf: UTF8.encode(scalar).map { Array($0) } ?? [0xFF])
    }
}
