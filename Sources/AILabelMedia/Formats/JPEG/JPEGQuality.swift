/// Estimates the quality setting a JPEG was saved with, so that a re-encode (to draw a visible label)
/// matches the original instead of silently raising or lowering it.
enum JPEGQuality {
    /// The luminance table of ITU-T T.81 Annex K (K.1), in zig-zag order as DQT stores it; IJG
    /// libjpeg scales this table for every quality setting.
    static let annexKLuminance: [Int] = [
        16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
        26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
        56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
        95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
    ]

    /// The first quantisation table of a DQT payload (table 0 in practice, the luma table), in zig-zag order.
    static func firstTable(in payload: ArraySlice<UInt8>) -> [Int]? {
        var cursor = ByteCursor(payload)
        guard let info = cursor.readUInt8() else { return nil }
        let sixteenBit = info >> 4 != 0
        var table: [Int] = []
        table.reserveCapacity(64)
        for _ in 0..<64 {
            if sixteenBit {
                guard let value = cursor.readUInt16BE() else { return nil }
                table.append(Int(value))
            } else {
                guard let value = cursor.readUInt8() else { return nil }
                table.append(Int(value))
            }
        }
        return table
    }

    /// The IJG quality (1…100) whose scaled Annex K table is closest to `lumaTable`.
    static func estimate(lumaTable: [Int]) -> Int {
        var best = 75
        var bestError = Int.max
        for quality in 1...100 {
            let scale = quality < 50 ? 5000 / quality : 200 - quality * 2
            var error = 0
            for index in 0..<64 {
                let expected = min(max((annexKLuminance[index] * scale + 50) / 100, 1), 255)
                let difference = expected - lumaTable[index]
                error += difference * difference
            }
            if error < bestError {
                bestError = error
                best = quality
            }
        }
        return best
    }
}
