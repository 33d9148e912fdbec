/// An MPEG audio frame header (ISO 11172-3, 13818-3 and MPEG 2.5) and the VBR headers in the first
/// frame (Xing/Info, VBRI): what `inspect` shows of an MP3 without decoding it.
struct MPEGAudioFrame: Sendable, Hashable {
    /// 1 (MPEG-1), 2 (MPEG-2) or 25 (MPEG-2.5).
    var version: Int
    var layer: Int
    var bitrate: Int
    var sampleRate: Int
    var channels: Int
    var padding: Bool

    /// kb/s by [version is MPEG-1][layer - 1][index].
    private static let bitrates: [[[Int]]] = [
        [[0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
         [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]],
        [[0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
         [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]],
    ]

    /// Decodes a 4-byte header; nil when the bytes are not a valid one.
    init?(_ bytes: ArraySlice<UInt8>) {
        guard bytes.count >= 4 else { return nil }
        let b = Array(bytes.prefix(4))
        guard b[0] == 0xFF, b[1] & 0xE0 == 0xE0 else { return nil }
        let versionBits = Int(b[1] >> 3 & 3), layerBits = Int(b[1] >> 1 & 3)
        let bitrateIndex = Int(b[2] >> 4), rateIndex = Int(b[2] >> 2 & 3)
        guard versionBits != 1, layerBits != 0, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        version = versionBits == 3 ? 1 : (versionBits == 2 ? 2 : 25)
        layer = 4 - layerBits
        bitrate = Self.bitrates[version == 1 ? 1 : 0][layer - 1][bitrateIndex] * 1000
        let rates = [44100, 48000, 32000]
        sampleRate = rates[rateIndex] / (version == 1 ? 1 : (version == 2 ? 2 : 4))
        channels = b[3] >> 6 == 3 ? 1 : 2
        padding = b[2] >> 1 & 1 == 1
    }

    var samplesPerFrame: Int { layer == 1 ? 384 : (layer == 3 && version != 1 ? 576 : 1152) }

    /// The frame's length in bytes, header included.
    var length: Int {
        layer == 1 ? (12 * bitrate / sampleRate + (padding ? 1 : 0)) * 4 : samplesPerFrame / 8 * bitrate / sampleRate + (padding ? 1 : 0)
    }

    var codec: String { layer == 3 ? "mp3" : "mp\(layer)" }

    /// The frame count a Xing/Info or VBRI header in this (first) frame declares.
    func vbrFrameCount(_ frame: ArraySlice<UInt8>) -> (count: Int, header: String)? {
        let sideInfo = version == 1 ? (channels == 1 ? 17 : 32) : (channels == 1 ? 9 : 17)
        let xing = frame.startIndex + 4 + sideInfo
        if frame.endIndex - xing >= 12, frame[xing..<xing + 4].elementsEqual("Xing".utf8) || frame[xing..<xing + 4].elementsEqual("Info".utf8) {
            let flags = bigEndian(frame, xing + 4)
            if flags & 1 != 0 { return (bigEndian(frame, xing + 8), String(decoding: frame[xing..<xing + 4], as: UTF8.self)) }
        }
        let vbri = frame.startIndex + 36
        if frame.endIndex - vbri >= 18, frame[vbri..<vbri + 4].elementsEqual("VBRI".utf8) {
            return (bigEndian(frame, vbri + 14), "VBRI")
        }
        return nil
    }

    private func bigEndian(_ bytes: ArraySlice<UInt8>, _ at: Int) -> Int {
        Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }
}
