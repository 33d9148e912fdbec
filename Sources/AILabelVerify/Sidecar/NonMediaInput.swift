import AILabelMedia
import AILabelVocabulary

/// What verify says of an input it does not parse as media when none of its sidecars came with it, told
/// by its first bytes and its name. The one step a folder walk (``VerifyBatch``) and a single input (a
/// path or bytes given to the engine, an upload) share, so the two cannot drift apart on what a WebM or a
/// PDF is.
public enum NonMediaInput: Sendable, Equatable {
    /// A container with no place for a label (WebM, Matroska, Ogg, raw AAC, MPEG-TS): a record says so,
    /// never a skip.
    case sidecarOnlyContainer(SidecarOnlyContainer)
    /// A kind `stamp` labels only by sidecar (PDF, Office documents, text), by its name.
    case sidecarLabelledKind(String)
    /// Anything else: the caller says what failed (a walk skips it, a single input is unreadable).
    case other

    /// The classification of `name` whose first bytes are `head` (at least
    /// `SidecarOnlyContainer.sniffLength` of them when the input is that long).
    public static func classify(name: String, head: [UInt8]) -> NonMediaInput {
        if let container = SidecarOnlyContainer.identify(head) { return .sidecarOnlyContainer(container) }
        // A name that claims a format ailabel parses is that format's file, however broken: not a document.
        if AssetRegistry.standard.handler(claimedByPath: name) == nil, SidecarFormat.isDocumentedKind(name) {
            return .sidecarLabelledKind(SidecarFormat.kind(of: name))
        }
        return .other
    }

    /// The record of a single input of this kind given without sidecars; nil for ``other``.
    public func report(path: String) -> FileReport? {
        switch self {
        case .sidecarOnlyContainer(let container):
            return Verifier.sidecarOnlyContainer(path: path, container)
        case .sidecarLabelledKind(let kind):
            return FileReport(
                path: path, format: kind, verdict: .unreadable,
                findings: [Finding(code: .fileUnreadable, severity: .error, message: "\(kind.uppercased()) files: ailabel reads their label only from the XMP or C2PA sidecar, and none came with this one")])
        case .other:
            return nil
        }
    }
}
