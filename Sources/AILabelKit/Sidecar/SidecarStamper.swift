import AILabelManifest
import AILabelMedia
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Labels for files ailabel cannot embed into (PDF, video, audio, documents, text…), and for JPEG and
/// PNG under `--sidecar`: an XMP sidecar `FILE.xmp` with the label and, with a signer, a signed C2PA
/// sidecar `FILE.c2pa` whose hard binding is the hash of the whole file. The file itself is never changed.
public struct SidecarStamper: Sendable {
    public var request: LabelRequest
    public var signer: C2PASigner?
    public var dryRun: Bool

    public init(request: LabelRequest, signer: C2PASigner?, dryRun: Bool = false) {
        self.request = request
        self.signer = signer
        self.dryRun = dryRun
    }

    /// The sidecar paths of a file.
    public static func xmpPath(for path: String) -> String { path + ".xmp" }
    public static func c2paPath(for path: String) -> String { path + ".c2pa" }

    /// Writes the sidecars for `input` beside `output`, copying the file there first when they differ.
    public func stamp(input: String, output: String) -> StampResult {
        let file = WalkedFile(path: input, root: nil, relativePath: (input as NSString).lastPathComponent)
        return stamp(file: file, output: ConfinedPath(trusting: output), outputPath: output, attributes: nil)
    }

    /// Writes the sidecars for a walked file beside `output` (copying the file there first when it is not
    /// the source itself). Reads and writes follow no link below their folders; the copy and the sidecars
    /// get `attributes` (the source's mode, owner and extended attributes). An existing sidecar that
    /// cannot be read or parsed stops this file: sidecars are merged into, never replaced.
    public func stamp(file: WalkedFile, output: ConfinedPath, outputPath: String, attributes: FileAttributes?) -> StampResult {
        let input = file.path
        var result = StampResult(path: input, status: .failed)
        result.output = outputPath
        result.format = SidecarFormat.kind(of: input)
        do {
            let bytes = try FileReader.read(file.source)
            let sidecarSource = file.source.parent.appending(file.source.name + ".xmp")
            var packet = XMPPacket()
            let existing = try Self.readExistingSidecar(sidecarSource, display: Self.xmpPath(for: input))
            if let existing {
                do {
                    packet = try XMPPacket(parsing: existing)
                } catch let error as MediaError {
                    throw MediaError.make(error.code, "the existing sidecar \(Self.xmpPath(for: input)) cannot be merged into: \(error.reason); it was left as it is")
                }
            }
            let label = try Stamper(request: request).makeLabel(existing: packet, derivedContentID: ContentID.derived(from: [bytes[...]]))
            LabelLayers.apply(label, to: &packet)
            result.contentID = label.contentID
            result.labelID = label.labelID
            result.layers = ["sidecar", "iptc", "tc260", "ailabel-xmp"]
            var c2pa: [UInt8]?
            if let signer {
                c2pa = try signer.signer.signSidecar(
                    forAsset: bytes, format: SidecarFormat.mimeType(of: input), definition: C2PASigner.definition(for: label, title: (input as NSString).lastPathComponent))
                result.layers.append("c2pa")
                result.signed = true
            } else {
                result.warnings.append("no signer configured: no signed C2PA sidecar was added")
            }
            result.imageDataUnchanged = true
            if dryRun {
                result.status = .wouldStamp
                return result
            }
            let copying = output != file.source
            if copying {
                result.warnings += try AtomicFile.write(bytes, to: output, attributes: attributes, createFolders: true)
            }
            let xmpTarget = output.parent.appending(output.name + ".xmp")
            // An existing sidecar rewritten in place keeps its own attributes; a new one takes the file's.
            let keepOwn = !copying && existing != nil
            result.warnings += try AtomicFile.write(packet.serialized(), to: xmpTarget, attributes: keepOwn ? nil : attributes, createFolders: copying)
            if let c2pa {
                try AtomicFile.write(c2pa, to: output.parent.appending(output.name + ".c2pa"), attributes: attributes, createFolders: copying)
            }
            result.status = .stamped
        } catch let error as MediaError {
            result.error = error.reason
        } catch let error as ManifestError {
            result.error = error.reason
        } catch {
            result.error = "\(error)"
        }
        return result
    }

    /// An existing sidecar's bytes, nil when there is none. One that exists but cannot be read (too large,
    /// not a regular file, a link, unreadable) is an error, never a reason to write a new one over it.
    static func readExistingSidecar(_ path: ConfinedPath, display: String) throws -> [UInt8]? {
        guard try path.exists() else { return nil }
        do {
            return try FileReader.read(path, maximumSize: XMPPacket.maximumPacketSize)
        } catch let error as MediaError {
            throw MediaError.make(error.code, "the existing sidecar \(display) cannot be read: \(error.reason); it was left as it is")
        }
    }
}

/// File kinds and media types for sidecar-labelled files, by extension: the registered formats first
/// (their names and media types, as their handlers declare them), then this table of kinds ailabel
/// labels only by sidecar.
public enum SidecarFormat {
    static let types: [String: (kind: String, mime: String)] = [
        "pdf": ("pdf", "application/pdf"), "mp3": ("mp3", "audio/mpeg"), "wav": ("wav", "audio/wav"), "flac": ("flac", "audio/flac"),
        "ogg": ("ogg", "audio/ogg"), "m4a": ("m4a", "audio/mp4"), "mp4": ("mp4", "video/mp4"), "mov": ("mov", "video/quicktime"),
        "webm": ("webm", "video/webm"), "mkv": ("mkv", "video/x-matroska"), "avi": ("avi", "video/x-msvideo"),
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

    /// Whether a path is itself a sidecar ailabel writes or reads.
    public static func isSidecar(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".xmp") || lower.hasSuffix(".c2pa")
    }
}
