import AILabelMedia
import AILabelVerify
import AILabelVocabulary

extension VerifyConfiguration {
    /// Verifies one input on the calling thread, choosing how by what it is (the per-file dispatch the
    /// command line and a service share): a web page by its page verifier, a kind ailabel does not
    /// embed into through its sidecars, media by the collectors. Never throws: an unreadable input is a
    /// report whose verdict says so.
    ///
    /// - Parameter pages: the verifier for web pages (`.html`, `.htm`) on disk; nil reads them as any other file.
    func verify(_ input: MediaInput, pages: PageVerifier? = nil) -> FileReport {
        if case .path(let path) = input.storage, input.name == path, input.sidecars == .beside(path) {
            // A file on disk under its own name: as `ailabel verify` reads it, sidecars beside it included.
            if let pages, PageVerifier.handles(path: path) { return pages.verify(path: path) }
            if !MediaFile.isMedia(path: path) && SidecarCollector.hasSidecar(path) { return verifier.verifyThroughSidecars(path: path) }
            return verifier.verify(path: path)
        }
        let source: any ByteSource
        do {
            source = try input.byteSource()
        } catch {
            return Self.unreadable(input.name, error)
        }
        let file: MediaFile
        do {
            file = try MediaFile(path: input.name, source: source, registry: .metadataReading)
        } catch {
            // Not media: a kind labelled by sidecars, when the caller gave them.
            if input.sidecars != .none, (try? AssetRegistry.metadataReading.handler(sniffing: source)) == nil {
                return verifier.verifyThroughSidecars(source: source, name: input.name, sidecars: input.sidecars)
            }
            return Self.unreadable(input.name, error)
        }
        return verifier.verify(file, sidecars: input.sidecars)
    }

    /// ``verify(_:pages:)`` when it is short: an input held in memory (bytes or a source, never a path)
    /// of at most `maxBytes`, which parses, and whose verification decodes nothing
    /// (``Verifier/verifyWithoutDecoding(_:sidecars:)``). Nil otherwise: the caller runs the full
    /// dispatch where long work belongs (which also answers the inputs that do not parse).
    func verifyIfShort(_ input: MediaInput, maxBytes: Int) -> FileReport? {
        if case .path = input.storage { return nil }
        guard let source = try? input.byteSource(), source.count <= maxBytes,
            let file = try? MediaFile(path: input.name, source: source, registry: .metadataReading)
        else { return nil }
        return verifier.verifyWithoutDecoding(file, sidecars: input.sidecars)
    }

    static func unreadable(_ name: String, _ error: any Error) -> FileReport {
        FileReport(
            path: name, format: AssetRegistry.standard.format(claimedByPath: name)?.rawValue ?? "unknown", verdict: .unreadable,
            findings: [Finding(code: .fileUnreadable, severity: .error, message: (error as? MediaError)?.reason ?? "\(error)")])
    }
}
