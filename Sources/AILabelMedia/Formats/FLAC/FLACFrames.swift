/// Replacing a FLAC's audio with newly encoded frames (the audible disclosure, the audio watermark):
/// the new encode's STREAMINFO and frames, the original's other metadata blocks and ID3v2 tag.
extension FLACHandler {
    /// `source` with its STREAMINFO and frames taken from `encoded` (a FLAC file FFmpeg wrote). Every
    /// other block is kept, except SEEKTABLE, whose offsets point into the old frames.
    public static func replacingFrames(in source: any ByteSource, with encoded: [UInt8]) throws -> [UInt8] {
        let tag = try ID3v2Tag.parse(source)
        let start = tag?.range.upperBound ?? 0
        let blocks = try FLACMetadataBlock.walk(source, markerAt: start)
        let newBlocks = try FLACMetadataBlock.walk(encoded, markerAt: 0)
        let kept = blocks.dropFirst().filter { $0.type != FLACMetadataBlock.seekTable }
        var out = try source.read(0..<start)
        out += Array("fLaC".utf8)
        let streamInfo = newBlocks[0]
        out += try FLACMetadataBlock.header(type: FLACMetadataBlock.streamInfo, isLast: kept.isEmpty, length: streamInfo.data.count)
        out += encoded[streamInfo.data]
        for (index, block) in kept.enumerated() {
            out += try FLACMetadataBlock.header(type: block.type, isLast: index == kept.count - 1, length: block.data.count)
            out += try source.read(block.data)
        }
        out += encoded[newBlocks.last!.range.upperBound...]
        return out
    }
}
