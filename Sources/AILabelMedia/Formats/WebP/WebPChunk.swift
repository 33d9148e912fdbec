extension RIFFChunkParser {
    /// A WebP's top-level chunks (`RIFF….WEBP`, never RF64) and where its RIFF ends, walked by the
    /// shared RIFF walker (Sources/AILabelMedia/RIFF).
    static func parse(_ bytes: [UInt8], isPrefix: Bool = false) throws -> (chunks: [RIFFChunk], riffEnd: Int) {
        let walk = try walk(bytes, form: "WEBP", formName: "WebP", isPrefix: isPrefix)
        return (walk.chunks, walk.riffEnd)
    }
}
