/// RIFF files built for hostile-input tests (WebP and WAV share the walker they attack).
enum RIFFTestFiles {
    /// A RIFF of `form` (`WEBP`, `WAVE`) holding `count` empty `JUNK` chunks: 8 bytes each, so 100,001
    /// of them are 800 KB that would list as many blocks.
    static func chunkCountBomb(form: String, count: Int = 100_001) -> [UInt8] {
        var bytes = Array("RIFF".utf8) + [0, 0, 0, 0] + Array(form.utf8)
        bytes.reserveCapacity(12 + 8 * count)
        for _ in 0..<count { bytes += Array("JUNK".utf8) + [0, 0, 0, 0] }
        let size = UInt32(bytes.count - 8)
        bytes.replaceSubrange(4..<8, with: [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24)])
        return bytes
    }
}
