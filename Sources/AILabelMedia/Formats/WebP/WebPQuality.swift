/// Estimates the quality a lossy WebP was encoded at, from its VP8 frame header (RFC 6386, 9.2–9.6):
/// the quantizer indices, averaged over the segments libwebp writes, mapped back through libwebp's own
/// quality-to-quantizer curve. A re-encode at that quality keeps the file near its size and look; like
/// libwebp's `VP8EstimateQuality`, the figure is rough (a bucket, not the exact number).
enum WebPQuality {
    /// The estimated quality (0–100), or nil when the payload is no VP8 key frame.
    static func estimate(vp8 payload: ArraySlice<UInt8>) -> Int? {
        let s = payload.startIndex
        guard payload.count >= 11, payload[s] & 1 == 0, payload[s + 3] == 0x9D, payload[s + 4] == 0x01, payload[s + 5] == 0x2A else { return nil }
        let partition = Int(payload[s]) >> 5 | Int(payload[s + 1]) << 3 | Int(payload[s + 2]) << 11
        var reader = BoolReader(payload[(s + 10)..<min(payload.endIndex, s + 10 + partition)])
        _ = reader.literal(2)  // colour space, clamping type
        var segmentQuantizers: [Int]?
        var absolute = false
        if reader.flag() {  // segmentation enabled
            let updateMap = reader.flag()
            if reader.flag() {  // update segment feature data
                absolute = reader.flag()
                segmentQuantizers = (0..<4).map { _ in reader.flag() ? reader.signed(7) : 0 }
                for _ in 0..<4 where reader.flag() { _ = reader.signed(6) }  // loop filter levels
            }
            if updateMap { for _ in 0..<3 where reader.flag() { _ = reader.literal(8) } }
        }
        _ = reader.literal(1 + 6 + 3)  // filter type, level, sharpness
        if reader.flag(), reader.flag() {  // loop filter deltas, updated
            for _ in 0..<8 where reader.flag() { _ = reader.signed(6) }
        }
        _ = reader.literal(2)  // DCT partitions
        let base = reader.literal(7)
        guard !reader.exhausted else { return nil }
        let indices = segmentQuantizers.map { $0.map { absolute ? $0 : base + $0 } } ?? [base]
        let q = Double(indices.map { min(max($0, 0), 127) }.reduce(0, +)) / Double(indices.count)
        // libwebp: q = 127 (1 − c), c = linear^(1/3), linear = 2/3 quality below 0.75, else 2 quality − 1.
        let linear = pow3(1 - q / 127)
        let quality = linear < 0.5 ? linear * 1.5 : (linear + 1) / 2
        return Int((quality * 100).rounded())
    }

    private static func pow3(_ x: Double) -> Double { x * x * x }

    /// The boolean entropy decoder of RFC 6386, section 7, reading at probability 1/2 only.
    struct BoolReader {
        let bytes: ArraySlice<UInt8>
        var index: Int
        var value: UInt32 = 0
        var range: UInt32 = 255
        var bitCount = 0
        var exhausted = false

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            index = bytes.startIndex
            for _ in 0..<2 { value = value << 8 | UInt32(next()) }
        }

        mutating func next() -> UInt8 {
            guard index < bytes.endIndex else {
                exhausted = true
                return 0
            }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func bit() -> Bool {
            let split = 1 + (((range - 1) * 128) >> 8)
            let bigSplit = split << 8
            let result: Bool
            if value >= bigSplit {
                result = true
                range -= split
                value -= bigSplit
            } else {
                result = false
                range = split
            }
            while range < 128 {
                value <<= 1
                range <<= 1
                bitCount += 1
                if bitCount == 8 {
                    bitCount = 0
                    value |= UInt32(next())
                }
            }
            return result
        }

        mutating func flag() -> Bool { bit() }

        mutating func literal(_ bits: Int) -> Int {
            var result = 0
            for _ in 0..<bits { result = result << 1 | (bit() ? 1 : 0) }
            return result
        }

        mutating func signed(_ bits: Int) -> Int {
            let magnitude = literal(bits)
            return flag() ? -magnitude : magnitude
        }
    }
}

extension WebPQuality {
    /// The estimate from the first VP8 bitstream of a file: a top-level `VP8 ` chunk, or the one inside
    /// the first lossy `ANMF` frame (after its 16-byte header and an optional `ALPH` sub-chunk).
    /// `read` gives the bytes of a range of the file (the first 64 KB of a chunk are enough: the
    /// header is in the first partition's first bytes).
    static func estimate(chunks: [RIFFChunk], read: (Range<Int>) throws -> [UInt8]) -> Int? {
        let headerBytes = 64 * 1024
        for chunk in chunks {
            if chunk.fourCC == "VP8 " {
                let range = chunk.data.lowerBound..<min(chunk.data.upperBound, chunk.data.lowerBound + headerBytes)
                return (try? read(range)).flatMap { estimate(vp8: $0[...]) }
            }
            if chunk.fourCC == "ANMF", let frame = try? read(chunk.data.lowerBound..<min(chunk.data.upperBound, chunk.data.lowerBound + headerBytes)) {
                var position = 16
                while position + 8 <= frame.count {
                    let fourCC = String(decoding: frame[position..<position + 4], as: UTF8.self)
                    let size = Int(frame[position + 4]) | Int(frame[position + 5]) << 8 | Int(frame[position + 6]) << 16 | Int(frame[position + 7]) << 24
                    if fourCC == "VP8 " { return estimate(vp8: frame[(position + 8)..<min(frame.count, position + 8 + size)]) }
                    guard fourCC == "ALPH" else { break }
                    position += 8 + size + (size & 1)
                }
            }
        }
        return nil
    }
}
