import AILabelMedia
import Foundation

/// File kinds and media types for sidecar-labelled files, by extension: the registered formats first
/// (their names and media types, as their handlers declare them), then this table of kinds ailabel
/// labels only by sidecar.
public enum SidecarFormat {
    /// The sidecar paths of a file: stamp writes them, verify looks for them.
    public static func xmpPath(for path: String) -> String { path + ".xmp" }
    public static func c2paPath(for path: String) -> String { path + ".c2pa" }

    static let types: [String: (kind: String, mime: String)] = [
        "pdf": ("pdf", "application/pdf"), "mp3": ("mp3", "audio/mpeg"), "wav": ("wav", "audio/wav"), "flac": ("flac", "audio/flac"),
        "ogg": ("ogg", "audio/ogg"), "m4a": ("m4a", "audio/mp4"), "mp4": ("mp4", "video/mp4"), "mov": ("mov", "video/quicktime"),
        "webm": ("webm", "video/webm"), "mkv": ("mkv", "video/x-matroska"), "avi": ("avi", "video/x-msvideo"),
        "mka": ("matroska", "audio/x-matroska"), "oga": ("ogg", "audio/ogg"), "ogv": ("ogg", "video/ogg"), "opus": ("ogg", "audio/ogg"),
        "aac": ("aac", "audio/aac"), "m2ts": ("mpegts", "video/mp2t"), "mts": ("mpegts", "video/mp2t"),
        "gif": ("gif", "image/gif"), "tif": ("tiff", "image/tiff"), "tiff": ("tiff", "image/tiff"),
        "heic": ("heic", "image/heic"), "avif": ("avif", "image/avif"), "svg": ("svg", "image/svg+xml"),
        "txt": ("text", "text/plain"), "md": ("markdown", "text/markdown"), "html": ("html", "text/html"), "htm": ("html", "text/html"),
        "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        "odt": ("odt", "application/vnd.oasis.opendocument.text"),
    ]

    static func extensionOf(_ path: String) -> String { (path as NSString).pathExtension.lowercased() }

    static func type(of path: String) -> (kind: String, mime: String)? {
        if let declaration = AssetRegistry.standard.handler(claimedByPath: path)?.declaration {
            return (declaration.format.rawValue, declaration.mimeType)
        }
        return types[extensionOf(path)]
    }

    public static func kind(of path: String) -> String { type(of: path)?.kind ?? (extensionOf(path).isEmpty ? "file" : extensionOf(path)) }
    public static func mimeType(of path: String) -> String { type(of: path)?.mime ?? "application/octet-stream" }

    /// Whether a path's kind is one `stamp` labels by sidecar without `--sidecar-all` (Docs/cli.md lists them).
    public static func isDocumentedKind(_ path: String) -> Bool { type(of: path) != nil }

    /// Every media type ailabel knows a file by: the registered formats' (all their names), then the
    /// kinds labelled only by sidecar. A service accepts an upload of exactly these.
    public static var mediaTypes: Set<String> {
        Set(AssetRegistry.standard.handlers.flatMap(\.declaration.mimeTypes)).union(types.values.map(\.mime))
    }

    /// The file extension of a media type (`image/jpeg` → `jpg`): a registered format's first, then this
    /// table's; nil for a type ailabel does not know. A service names an upload by it.
    public static func fileExtension(forMediaType mediaType: String) -> String? {
        let type = mediaType.lowercased()
        if let declaration = AssetRegistry.standard.handlers.map(\.declaration).first(where: { $0.mimeTypes.contains(type) }) {
            return declaration.extensions.first
        }
        return types.filter { $0.value.mime == type }.map(\.key).sorted().first
    }

    /// Whether a path is itself a sidecar ailabel writes or reads.
    public static func isSidecar(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".xmp") || lower.hasSuffix(".c2pa")
    }
}
