import NIOCore
import NIOEmbedded
import SidingWire

extension FuzzTargets {
    /// `frame`: a byte stream (after one control byte that picks the chunk sizes, see `ChunkSizes`)
    /// through `FrameDecoder` in a channel, as a connection delivers it; each frame then through
    /// `WireMessage.decode`. The channel must yield exactly the frames `FrameDecoder.next` finds in the
    /// whole stream at once.
    public static func frame(_ input: UnsafeRawBufferPointer) {
        guard let control = input.first else { return }
        let stream = Array(input.dropFirst())
        let chunked = framesThroughChannel(ChunkSizes.pieces(of: stream, control: control))
        let whole = framesAtOnce(stream)
        guard chunked == whole else {
            invariantBroken("frame", "chunks (control \(control)) gave \(chunked.count) frames, the whole stream \(whole.count)")
        }
        for frame in chunked { _ = try? WireMessage.decode(frame) }
    }

    /// The frames a channel with the production decoder passes on, up to its first error or the end.
    private static func framesThroughChannel(_ pieces: [ArraySlice<UInt8>]) -> [Frame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var frames: [Frame] = []
        func drain() {
            while let frame = try? channel.readInbound(as: Frame.self) { frames.append(frame) }
        }
        for piece in pieces {
            do {
                try channel.writeInbound(channel.allocator.buffer(bytes: piece))
            } catch {
                break
            }
            drain()
        }
        _ = try? channel.finish(acceptAlreadyClosed: true)
        drain()
        return frames
    }

    private static func framesAtOnce(_ stream: [UInt8]) -> [Frame] {
        var buffer = ByteBuffer(bytes: stream)
        var frames: [Frame] = []
        while let frame = try? FrameDecoder.next(from: &buffer) { frames.append(frame) }
        return frames
    }
}
