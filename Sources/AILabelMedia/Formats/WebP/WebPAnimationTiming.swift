/// An animated WebP's timing as its chunks declare it: the loop count and background of `ANIM`, and
/// each `ANMF` frame's duration. A re-encode of marked frames keeps them.
public struct WebPAnimationTiming: Sendable, Hashable, Codable {
    /// How many times the animation plays; 0 for ever.
    public var loopCount: Int
    /// The canvas background, as `ANIM` stores it (blue, green, red, alpha bytes).
    public var background: UInt32
    /// Each frame's duration in milliseconds, in file order.
    public var frameDurations: [Int]

    public init(loopCount: Int, background: UInt32, frameDurations: [Int]) {
        self.loopCount = loopCount
        self.background = background
        self.frameDurations = frameDurations
    }

    /// Reads the 6 bytes of `ANIM` and the first 16 of each `ANMF` (`read` gives a range of the file).
    init?(chunks: [RIFFChunk], read: (Range<Int>) throws -> [UInt8]) {
        guard let anim = chunks.first(where: { $0.fourCC == "ANIM" }), anim.data.count >= 6,
            let header = try? read(anim.data.lowerBound..<anim.data.lowerBound + 6)
        else { return nil }
        background = UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24
        loopCount = Int(header[4]) | Int(header[5]) << 8
        var durations: [Int] = []
        for frame in chunks where frame.fourCC == "ANMF" && frame.data.count >= 16 {
            // ANMF: X, Y, width − 1, height − 1 (3 bytes each), then the duration (3 bytes) and the flags.
            guard let bytes = try? read(frame.data.lowerBound + 12..<frame.data.lowerBound + 15) else { continue }
            let low = Int(bytes[0]), middle = Int(bytes[1]) << 8, high = Int(bytes[2]) << 16
            durations.append(low | middle | high)
        }
        frameDurations = durations
    }
}
