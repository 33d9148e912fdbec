import AILabelManifest
import AILabelMedia
import AILabelVocabulary
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
            let container = SidecarOnlyContainer.identify(Array(bytes.prefix(SidecarOnlyContainer.sniffLength)))
            if let container {
                result.format = container.name
                result.warnings.append(container.finding)
            }
            let sidecarSource = file.source.parent.appending(file.source.name + ".xmp")
            let existing = try Self.readExistingSidecar(sidecarSource, display: SidecarFormat.xmpPath(for: input))
            let sidecars = try self.sidecars(for: bytes, name: input, existingXMP: existing, mediaType: container?.mimeType)
            let packet = sidecars.xmp
            let c2pa = sidecars.c2pa
            result.contentID = sidecars.label.contentID
            result.labelID = sidecars.label.labelID
            result.layers = sidecars.layers
            result.signed = c2pa != nil
            if c2pa == nil { result.warnings.append("no signer configured: no signed C2PA sidecar was added") }
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
            result.warnings += try AtomicFile.write(packet, to: xmpTarget, attributes: keepOwn ? nil : attributes, createFolders: copying)
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

    /// The sidecars of a file held in memory, named `name` (whose extension gives the C2PA format):
    /// the XMP sidecar (merged into `existingXMP` when given) and, with a signer, the signed C2PA
    /// sidecar whose hard binding is the hash of `bytes`. Nothing is read or written on disk.
    public func sidecars(for bytes: [UInt8], name: String, existingXMP: [UInt8]? = nil, mediaType: String? = nil) throws -> (xmp: [UInt8], c2pa: [UInt8]?, label: DisclosureLabel, layers: [String]) {
        var packet = XMPPacket()
        if let existingXMP {
            do {
                packet = try XMPPacket(parsing: existingXMP)
            } catch let error as MediaError {
                throw MediaError.make(error.code, "the existing sidecar \(SidecarFormat.xmpPath(for: name)) cannot be merged into: \(error.reason); it was left as it is")
            }
        }
        let label = try Stamper(request: request).makeLabel(existing: packet, derivedContentID: ContentID.derived(from: [bytes[...]]))
        XMPLabel(label).write(into: &packet)
        var layers = ["sidecar", "iptc", "tc260", "ailabel-xmp"]
        var c2pa: [UInt8]?
        if let signer {
            c2pa = try signer.signer.signSidecar(
                forAsset: bytes, format: mediaType ?? SidecarFormat.mimeType(of: name), definition: C2PASigner.definition(for: label, title: (name as NSString).lastPathComponent))
            layers.append("c2pa")
        }
        return (packet.serialized(), c2pa, label, layers)
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
