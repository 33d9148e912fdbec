import AILabelMedia
import AILabelVocabulary
import Foundation

/// Where a file's sidecars (`FILE.xmp`, `FILE.c2pa`) come from. A verifier reads the disk only for
/// ``beside(_:)``: bytes a client sent under its own file name are verified with the sidecars it sent,
/// never with whatever this machine happens to hold next to that name.
public enum SidecarSource: Sendable, Hashable {
    /// No sidecars.
    case none
    /// The sidecars beside this path on disk, where they exist.
    case beside(String)
    /// The caller's sidecar bytes for the file it calls `name` (either may be nil).
    case given(name: String, xmp: [UInt8]?, c2pa: [UInt8]?)

    /// One sidecar: the name reports give it, and how to read it.
    struct Sidecar {
        let name: String
        let read: (_ maximumSize: Int) throws -> [UInt8]

        func read(maximumSize: Int) throws -> [UInt8] { try read(maximumSize) }
    }

    var xmp: Sidecar? { sidecar(path: SidecarFormat.xmpPath(for:), given: { xmp, _ in xmp }) }
    var c2pa: Sidecar? { sidecar(path: SidecarFormat.c2paPath(for:), given: { _, c2pa in c2pa }) }

    private func sidecar(path: (String) -> String, given pick: ([UInt8]?, [UInt8]?) -> [UInt8]?) -> Sidecar? {
        switch self {
        case .none:
            return nil
        case .beside(let file):
            let sidecarPath = path(file)
            guard FileManager.default.fileExists(atPath: sidecarPath) else { return nil }
            return Sidecar(name: (sidecarPath as NSString).lastPathComponent) { try FileReader.read(sidecarPath, maximumSize: $0) }
        case .given(let name, let xmp, let c2pa):
            guard let bytes = pick(xmp, c2pa) else { return nil }
            return Sidecar(name: (path(name) as NSString).lastPathComponent) { maximumSize in
                guard bytes.count <= maximumSize else {
                    throw MediaError.make(.limitExceeded, "the sidecar is \(bytes.count) bytes, over the \(maximumSize)-byte limit")
                }
                return bytes
            }
        }
    }
}
