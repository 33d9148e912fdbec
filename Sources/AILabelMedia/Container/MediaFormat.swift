/// The container formats whose metadata ailabel reads and writes in place.
public enum MediaFormat: String, Sendable, CaseIterable, Codable {
    case jpeg
    case png

    /// The IANA media type, as C2PA's `dc:format` wants it.
    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    /// The format the first bytes announce, or nil. Magic bytes win over file names: a JPEG named
    /// `.png` is a JPEG.
    public static func sniff<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> MediaFormat? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: PNGSignature.bytes) { return .png }
        return nil
    }

    /// The format a file name's extension claims, or nil.
    public static func claimed(byPath path: String) -> MediaFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "jpg", "jpeg", "jpe", "jfif": return .jpeg
        case "png": return .png
        default: return nil
        }
    }
}

enum PNGSignature {
    static let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
}
