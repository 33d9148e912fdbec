/// Replacing an MP3's audio frames with newly encoded ones (the audible disclosure, the audio watermark).
extension MP3Handler {
    /// `source` with its MPEG frames replaced by `encoded` (an MP3 FFmpeg wrote without an ID3v2 tag,
    /// its first frame a Xing/Info header); the ID3v2 tag before and the ID3v1 tag after are kept.
    public static func replacingFrames(in source: any ByteSource, with encoded: [UInt8]) throws -> [UInt8] {
        let tag = try ID3v2Tag.parse(source)
        let audio = try audioRange(source, after: tag?.range.upperBound ?? 0)
        var out = try source.read(0..<audio.frames.lowerBound)
        out += encoded
        if let id3v1 = audio.id3v1 { out += try source.read(id3v1) }
        return out
    }
}
