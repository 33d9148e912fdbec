extension MediaFormat {
    public static let gif = MediaFormat(rawValue: "gif")
}

extension GIFHandler {
    static let declaration = FormatDeclaration(
        format: .gif, displayName: "GIF",
        signatures: [MagicSignature(ascii: "GIF87a"), MagicSignature(ascii: "GIF89a")],
        extensions: ["gif"],
        mimeTypes: ["image/gif"],
        carries: [.xmp, .c2paStore, .icc, .comments, .pixels],
        c2paBindings: [.dataHash, .boxHash])
}

/// How a GIF's frames are shown: what a re-encode of marked pixels keeps (frame timing, loop count,
/// disposal, transparency) and what `inspect` shows.
public struct GIFCoding: FormatCoding, Hashable, Encodable {
    /// `87a` or `89a`.
    public var version: String
    public var frames: Int
    /// The NETSCAPE2.0 loop count: 0 loops forever; nil when the file has no loop extension (plays once).
    public var loopCount: Int?
    /// The sum of the frames' delays, in hundredths of a second.
    public var totalDelayCentiseconds: Int
    public var transparency: Bool
    public var interlaced: Bool
    /// Per frame, in file order: what a re-encode copies. Not written in reports (a long animation
    /// would flood them); `frames` and the totals say enough.
    public var timing: [GIFFrameTiming]

    public var reportKey: String { "gif" }

    public var summary: String {
        var parts = ["GIF\(version)", frames == 1 ? "1 frame" : "\(frames) frames"]
        if frames > 1 {
            parts.append(loopCount.map { $0 == 0 ? "loops forever" : "loops \($0)×" } ?? "plays once")
            parts.append("\(Double(totalDelayCentiseconds) / 100) s")
        }
        if transparency { parts.append("transparency") }
        if interlaced { parts.append("interlaced") }
        return parts.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey { case version, frames, loopCount, totalDelayCentiseconds, transparency, interlaced }
}

/// What a graphic control extension says of one frame.
public struct GIFFrameTiming: Sendable, Hashable {
    /// Hundredths of a second.
    public var delayCentiseconds: Int
    /// 0 unspecified, 1 keep, 2 restore to background, 3 restore to previous.
    public var disposal: Int
    public var transparentIndex: Int?

    public init(delayCentiseconds: Int = 0, disposal: Int = 0, transparentIndex: Int? = nil) {
        self.delayCentiseconds = delayCentiseconds
        self.disposal = disposal
        self.transparentIndex = transparentIndex
    }
}

extension MediaContents {
    /// The GIF coding, when the file is a GIF.
    public var gifCoding: GIFCoding? { coding as? GIFCoding }
}
