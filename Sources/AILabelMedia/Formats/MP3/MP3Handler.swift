/// MP3: MPEG audio frames, usually after an ID3v2 tag. ailabel keeps its labels in the tag (c2pa-rs
/// `mp3_io.rs`): XMP in a `PRIV` frame owned by `XMP`, the TC260 label in `TXXX:AIGC` (where
/// `ffmpeg -metadata AIGC=…` puts it), the C2PA store in a `GEOB` frame of type `application/c2pa`.
///
/// Parsing reads the tag and the first audio frame's header only; a rewrite writes a new tag and
/// copies the audio frames (and an ID3v1 tag after them) as one range of the source.
public struct MP3Handler: AssetHandler {
    public init() {}

    public var declaration: FormatDeclaration { Self.declaration }

    /// How far past the tag the first frame header is looked for (encoders leave padding or junk).
    static let frameSearchWindow = 64 << 10

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        guard source.count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        var contents = MediaContents(format: .mp3, width: 0, height: 0)
        let tag = try ID3v2Tag.parse(source)
        if let tag { try ID3v2Metadata.read(tag, into: &contents) }
        let audio = try Self.audioRange(source, after: tag?.range.upperBound ?? 0)
        let window = try source.read(at: audio.frames.lowerBound, count: min(audio.frames.count, 4096), "the first MPEG audio frame")
        guard let first = MPEGAudioFrame(window[...]) else { throw MediaError.make(.malformed, "no MPEG audio frame header at byte \(audio.frames.lowerBound)") }
        var coding = AudioCoding(codec: first.codec, channels: first.channels, sampleRate: first.sampleRate, bitrate: first.bitrate)
        if let vbr = first.vbrFrameCount(window[..<min(window.count, max(first.length, 4))]) {
            coding.durationSeconds = Double(vbr.count * first.samplesPerFrame) / Double(first.sampleRate)
            coding.durationSource = "\(vbr.header) frame count"
            if vbr.header != "Info", let seconds = coding.durationSeconds, seconds > 0 {
                coding.bitrate = Int(Double(audio.frames.count * 8) / seconds)
            }
        } else if first.bitrate > 0 {
            coding.durationSeconds = Double(audio.frames.count * 8) / Double(first.bitrate)
            coding.durationSource = "constant bitrate estimate"
        }
        contents.coding = coding
        // The frames are the media data, not a block: an MP3 has no length field to say where they end
        // (a stream cut short still plays), so they are listed in `imageDataRanges` only.
        contents.imageDataRanges = [audio.frames]
        if let v1 = audio.id3v1 {
            contents.blocks.append(MetadataBlock(kind: .trailing, name: "ID3v1", offset: v1.lowerBound, size: v1.count, detail: "ID3v1 tag"))
        }
        return contents
    }

    /// Where the audio frames start (the first valid frame header within the search window after
    /// `start`) and end (before an ID3v1 tag).
    static func audioRange(_ source: any ByteSource, after start: Int) throws -> (frames: Range<Int>, id3v1: Range<Int>?) {
        let window = try source.read(at: start, count: min(frameSearchWindow, source.count - start), "the MPEG audio")
        var offset = 0
        while offset + 4 <= window.count {
            if window[offset] == 0xFF, let frame = MPEGAudioFrame(window[offset...]) {
                // A second header where the first frame ends confirms a real one (a stray 0xFF does not).
                let next = offset + frame.length
                if next + 4 > window.count || MPEGAudioFrame(window[next...]) != nil {
                    var end = source.count
                    var id3v1: Range<Int>?
                    if end - (start + offset) >= 128 + 4, try source.read(at: end - 128, count: 3).starts(withASCII: "TAG") {
                        id3v1 = end - 128..<end
                        end -= 128
                    }
                    return (start + offset..<end, id3v1)
                }
            }
            offset += 1
        }
        throw MediaError.make(.malformed, "no MPEG audio frame within \(frameSearchWindow >> 10) KB after byte \(start)")
    }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        [try Self.audioRange(source, after: try ID3v2Tag.parse(source)?.range.upperBound ?? 0).frames]
    }

    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let tag = try ID3v2Tag.parse(source)
        let audioStart = tag?.range.upperBound ?? 0
        var plan = SplicePlan()
        if try !ID3v2Metadata.planTag(tag, applying: edit, labelInTag: true, into: &plan) {
            plan.copy(0..<audioStart)
        }
        plan.copy(audioStart..<source.count)
        return plan
    }

    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        ID3v2Metadata.locateStore(try ID3v2Tag.parse(source))
    }

    /// The store's bytes are the exclusion (c2pa-rs excludes the `GEOB` frame's data, not its header).
    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] { store }
}
