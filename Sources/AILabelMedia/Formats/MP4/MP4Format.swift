extension MediaFormat {
    /// MP4 (ISO/IEC 14496-14), with M4V and 3GP/3G2: every ISO BMFF movie that is not QuickTime or MPEG-4 audio.
    public static let mp4 = MediaFormat(rawValue: "mp4")
    /// QuickTime movies (major brand `qt  `).
    public static let mov = MediaFormat(rawValue: "mov")
    /// MPEG-4 audio files (major brands `M4A `, `M4B `, `M4P `, `F4A `, `F4B `).
    public static let m4a = MediaFormat(rawValue: "m4a")
}

extension MP4Handler {
    /// The movie formats are told apart by the major brand of `ftyp`, as exiftool and c2pa-rs name
    /// them: `qt  ` is QuickTime, the iTunes audio brands are M4A, and every other brand (`isom`,
    /// `mp41`, `mp42`, `avc1`, `M4V `, `3gp4`…) is MP4. HEIF and AVIF brands are claimed first by the
    /// HEIF handler, which the registry sniffs before this one.
    static let movDeclaration = FormatDeclaration(
        format: .mov, displayName: "QuickTime",
        signatures: [MagicSignature(ascii: "????ftypqt  ")],
        extensions: ["mov", "qt"],
        mimeTypes: ["video/quicktime"],
        carries: [.xmp, .c2paStore, .textFields, .aigcTextField, .videoFrames],
        c2paBindings: [.bmffHash])

    static let audioBrands = ["M4A ", "M4B ", "M4P ", "F4A ", "F4B "]

    static let m4aDeclaration = FormatDeclaration(
        format: .m4a, displayName: "M4A",
        signatures: audioBrands.map { MagicSignature(ascii: "????ftyp\($0)") },
        extensions: ["m4a", "m4b", "m4p"],
        mimeTypes: ["audio/mp4", "audio/x-m4a", "audio/m4a"],
        carries: [.xmp, .c2paStore, .textFields, .aigcTextField],
        c2paBindings: [.bmffHash])

    /// Any other `ftyp`: sniffed after the still-image BMFF formats and the two above.
    static let mp4Declaration = FormatDeclaration(
        format: .mp4, displayName: "MP4",
        signatures: [MagicSignature(ascii: "????ftyp")],
        extensions: ["mp4", "m4v", "3gp", "3g2", "3gpp", "3gp2", "f4v"],
        mimeTypes: ["video/mp4", "video/x-m4v", "video/3gpp", "video/3gpp2", "application/mp4"],
        carries: [.xmp, .c2paStore, .textFields, .aigcTextField, .videoFrames],
        c2paBindings: [.bmffHash])
}

/// What a movie holds, from its `moov`: the brands, the duration and each track's codec.
public struct MP4Coding: FormatCoding, Hashable, Codable {
    public struct Track: Sendable, Hashable, Codable {
        public var id: Int
        /// The media handler: `vide`, `soun`, `text`, `sbtl`, `meta`, `tmcd`, `hint`…
        public var handler: String
        /// The first sample entry's type: `avc1`, `hvc1`, `vp09`, `mp4a`…
        public var codec: String
        public var codecName: String
        public var width: Int?
        public var height: Int?
        public var sampleRate: Int?
        public var channels: Int?
        /// Seconds, from the track's media header.
        public var duration: Double?
        public var sampleCount: Int?

        public var kind: String {
            switch handler {
            case "vide": "video"
            case "soun": "audio"
            case "text", "sbtl", "subt", "clcp": "subtitles"
            case "tmcd": "timecode"
            case "meta": "timed metadata"
            case "hint": "hint"
            default: handler
            }
        }
    }

    public var majorBrand: String
    public var compatibleBrands: [String]
    /// Seconds, from the movie header.
    public var duration: Double?
    public var tracks: [Track]
    /// Whether the movie is fragmented (`mvex` in `moov`, `moof` boxes).
    public var fragmented: Bool

    public var reportKey: String { "movie" }

    public var summary: String {
        let trackList = tracks.map { track -> String in
            var parts = ["\(track.kind) \(track.codecName)"]
            if let width = track.width, let height = track.height, width > 0, height > 0 { parts.append("\(width)×\(height)") }
            if let rate = track.sampleRate, rate > 0 { parts.append("\(rate) Hz") }
            if let channels = track.channels, channels > 0 { parts.append("\(channels) ch") }
            return parts.joined(separator: " ")
        }
        let seconds = duration.map(Self.seconds) ?? "unknown duration"
        let count = tracks.count == 1 ? "1 track" : "\(tracks.count) tracks"
        return "\(seconds), \(count)\(trackList.isEmpty ? "" : ": " + trackList.joined(separator: "; ")), brand \(majorBrand)\(fragmented ? ", fragmented" : "")"
    }

    /// Seconds with two decimals (no Foundation in this module).
    static func seconds(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e12 else { return "unknown duration" }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
    }

    /// A readable name for a sample entry type.
    static func codecName(_ type: String) -> String {
        switch type {
        case "avc1", "avc2", "avc3", "avc4": "H.264"
        case "hvc1", "hev1", "dvh1", "dvhe": "H.265"
        case "vvc1", "vvi1": "H.266"
        case "vp08": "VP8"
        case "vp09": "VP9"
        case "av01": "AV1"
        case "mp4v": "MPEG-4 Visual"
        case "s263", "h263": "H.263"
        case "jpeg", "mjpa", "mjpb": "Motion JPEG"
        case "apch", "apcn", "apcs", "apco", "ap4h", "ap4x": "ProRes"
        case "mp4a": "AAC"
        case ".mp3": "MP3"
        case "Opus": "Opus"
        case "fLaC": "FLAC"
        case "alac": "ALAC"
        case "ac-3": "AC-3"
        case "ec-3": "E-AC-3"
        case "ac-4": "AC-4"
        case "samr": "AMR-NB"
        case "sawb": "AMR-WB"
        case "lpcm", "sowt", "twos", "in24", "in32", "fl32", "fl64", "ipcm", "fpcm": "PCM"
        case "tx3g", "text": "timed text"
        case "wvtt": "WebVTT"
        case "stpp": "TTML"
        case "tmcd": "timecode"
        default: type
        }
    }
}

extension MediaContents {
    /// The movie's tracks and brands, when the file is an MP4, MOV or M4A.
    public var movieCoding: MP4Coding? { coding as? MP4Coding }
}
