extension RIFFChunkParser {
    /// A WebP's top-level chunks (`RIFF….WEBP`, never RF64) and where its RIFF ends, walked by positioned
    /// reads of the chunk headers with the shared RIFF walker (Sources/AILabelMedia/RIFF).
    ///
    /// With `isPrefix`, the source is the start of a longer file: the walk ends where the bytes do and,
    /// since a WebP's C2PA chunk is its last, throws when the RIFF goes on past them.
    static func parse(_ source: any ByteSource, isPrefix: Bool = false) throws -> (chunks: [RIFFChunk], riffEnd: Int) {
        let walk = try walk(source, form: "WEBP", formName: "WebP", isPrefix: isPrefix)
        return (walk.chunks, walk.riffEnd)
    }
}
