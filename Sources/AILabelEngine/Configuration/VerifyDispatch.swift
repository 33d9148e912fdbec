import AILabelMedia
import AILabelVerify
import AILabelVocabulary

extension VerifyConfiguration {
    /// Verifies one input on the calling thread, choosing how by what it is (the per-file dispatch the
    /// command line and a service share): a web page by its page verifier, a kind ailabel does not
    /// embed into through its sidecars, media by the collectors. Never throws: an unreadable input is a
    /// report whose verdict says so.
    ///
    /// - Parameter pages: the verifier for web pages (`.html`, `.htm`, `.xhtml`, by name): nil, one with
    ///   the profile's phrases and the page's own folder for its images. A page held in memory, or under
    ///   another name, is judged without its images (``PageVerifier/verify(source:name:)``).
    func verify(_ input: MediaInput, pages: PageVerifier? = nil) -> FileReport {
        let isPage = PageVerifier.handles(path: input.name)
        if case .path(let path) = input.storage, input.name == path, input.sidecars == .beside(path) {
            // A file on disk under its own name: as `ailabel verify` reads it, sidecars beside it included.
            if isPage { return (pages ?? PageVerifier(verifier: verifier)).verify(path: path) }
            if !MediaFile.isMedia(path: path) {
                if SidecarCollector.hasSidecar(path) { return verifier.verifyThroughSidecars(path: path) }
                let head = FileReader.head(path, count: SidecarOnlyContainer.sniffLength)
                if let report = NonMediaInput.classify(name: path, head: head).report(path: path) { return report }
            }
            return verifier.verify(path: path)
        }
        let source: any ByteSource
        do {
            source = try input.byteSource()
        } catch {
            return Self.unreadable(input.name, error)
        }
        // A page is read by its name, as on disk, whatever its bytes: its signals are in its markup.
        if isPage { return (pages ?? PageVerifier(verifier: verifier)).verify(source: source, name: input.name) }
        let file: MediaFile
        do {
            file = try MediaFile(path: input.name, source: source, registry: .metadataReading)
        } catch {
            // Not media: a kind labelled by sidecars, when the caller gave them.
            guard (try? AssetRegistry.metadataReading.handler(sniffing: source)) == nil else { return Self.unreadable(input.name, error) }
            if input.sidecars != .none {
                return verifier.verifyThroughSidecars(source: source, name: input.name, sidecars: input.sidecars)
            }
            // Without them, what `ailabel verify` says of the same file on disk: a name that claims a format
            // ailabel parses is that format's broken file.
            guard AssetRegistry.standard.handler(claimedByPath: input.name) == nil else { return Self.unreadable(input.name, error) }
            let head = (try? source.read(at: 0, count: min(source.count, SidecarOnlyContainer.sniffLength))) ?? []
            return NonMediaInput.classify(name: input.name, head: head).report(path: input.name) ?? Self.unreadable(input.name, error)
        }
        return verifier.verify(file, sidecars: input.sidecars)
    }

    /// The first part of ``verify(_:pages:)`` on the calling thread, when it is short to begin: an input
    /// held in memory (bytes or a source, never a path) of at most `maxBytes`, which parses, and whose
    /// metadata reaches no network or other file. Its step is the record when nothing is left to decode
    /// (``Verifier/verifyWithoutDecoding(_:sidecars:)``), else the pending decoding, for a worker to
    /// finish without parsing the file again. Nil otherwise: the caller runs the full dispatch where long
    /// work belongs (which also answers the inputs that do not parse).
    func begin(_ input: MediaInput, maxBytes: Int) -> VerificationStep? {
        if case .path = input.storage { return nil }
        guard verifier.readsOnlyTheFile, let source = try? input.byteSource(), source.count <= maxBytes,
            let file = try? MediaFile(path: input.name, source: source, registry: .metadataReading)
        else { return nil }
        return verifier.begin(file, sidecars: input.sidecars)
    }

    static func unreadable(_ name: String, _ error: any Error) -> FileReport {
        FileReport(
            path: name, format: AssetRegistry.standard.format(claimedByPath: name)?.rawValue ?? "unknown", verdict: .unreadable,
            findings: [Finding(code: .fileUnreadable, severity: .error, message: (error as? MediaError)?.reason ?? "\(error)")])
    }
}
