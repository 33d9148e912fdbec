/// A media container in which no C2PA manifest can be embedded (C2PA 2.x defines no embedding for
/// it, and c2pa-rs has no handler for it): its labels travel in sidecars (`FILE.xmp`, `FILE.c2pa`).
/// Recognised by magic bytes, so that `verify` says so for each such file instead of skipping it, and
/// `stamp` gives it sidecars whatever its name.
public struct SidecarOnlyContainer: Sendable, Hashable {
    /// The name reports write in `format`: `webm`, `matroska`, `ogg`, `aac`, `mpegts`.
    public var name: String
    public var displayName: String
    public var mimeType: String
    /// What could be embedded in it, and what not.
    public var embedding: String

    /// The sentence `verify` and `stamp` give for a file of this kind.
    public var finding: String {
        "\(displayName) has no C2PA embedding (the C2PA specification defines none and the reference SDK reads none): \(embedding) Its labels travel in sidecars, FILE.xmp and FILE.c2pa."
    }

    public static let webm = SidecarOnlyContainer(
        name: "webm", displayName: "WebM", mimeType: "video/webm",
        embedding: "Matroska tags could hold XMP or a TC260 label, but no tool reads them there.")
    public static let matroska = SidecarOnlyContainer(
        name: "matroska", displayName: "Matroska", mimeType: "video/x-matroska",
        embedding: "Matroska tags could hold XMP or a TC260 label, but no tool reads them there.")
    public static let ogg = SidecarOnlyContainer(
        name: "ogg", displayName: "Ogg", mimeType: "audio/ogg",
        embedding: "a Vorbis comment could hold a TC260 label, but ailabel does not rewrite Ogg pages (their checksums and granule positions).")
    public static let aac = SidecarOnlyContainer(
        name: "aac", displayName: "Raw AAC (ADTS)", mimeType: "audio/aac",
        embedding: "a bare stream of ADTS frames has no place for metadata at all (put AAC in M4A to embed labels).")
    public static let mpegTS = SidecarOnlyContainer(
        name: "mpegts", displayName: "MPEG transport stream", mimeType: "video/mp2t",
        embedding: "a transport stream has no file-level metadata (put the streams in MP4 to embed labels).")

    /// How many first bytes ``identify(_:)`` looks at.
    public static let sniffLength = 4 + 192 * 2 + 1

    /// The container whose magic bytes `head` (the first bytes of a file) starts with.
    public static func identify(_ head: [UInt8]) -> SidecarOnlyContainer? {
        // EBML header; the DocType element (0x42 0x82) says webm or matroska.
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) {
            let webm = Array("webm".utf8)
            let window = head.prefix(64)
            let isWebM = window.indices.contains { start in window[start...].starts(with: webm) }
            return isWebM ? .webm : .matroska
        }
        if head.starts(with: Array("OggS".utf8) + [0]) { return .ogg }
        // ADTS: a 12-bit sync word, then MPEG version, layer 00 (MPEG audio uses 01–11), and a valid
        // sampling-frequency index.
        if head.count >= 7, head[0] == 0xFF, head[1] & 0xF6 == 0xF0, (head[2] >> 2) & 0x0F < 13 { return .aac }
        // MPEG-TS: the 0x47 sync byte every 188 bytes (or every 192, after a 4-byte time code: M2TS).
        for (first, stride) in [(0, 188), (4, 192)] where head.count > first + 2 * stride {
            if head[first] == 0x47, head[first + stride] == 0x47, head[first + 2 * stride] == 0x47 { return .mpegTS }
        }
        return nil
    }
}
