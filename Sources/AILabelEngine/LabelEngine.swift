import AILabelKit
import AILabelMedia
import AILabelVerify
import AILabelVocabulary
import Foundation

/// Stamps, verifies and inspects media for a program that embeds ailabel: a service, a pipeline, a tool.
///
/// Every call is `async` and cancellable, and runs its CPU work (parsing, hashing, signing, pixel
/// decoding) on the engine's own ``WorkerPool``, never on Swift's cooperative pool. Inputs are files,
/// bytes or streams (``MediaInput``); the disk is read only for a path the caller names and the
/// sidecars it asks for. Options are resolved once into a ``StampConfiguration`` or
/// ``VerifyConfiguration`` and reused for every call.
///
/// ```swift
/// let engine = LabelEngine()
/// let verify = try VerifyConfiguration.resolve(VerifySettings())
/// let report = try await engine.verify(.bytes(upload, name: "photo.jpg"), with: verify)
/// print(report.verdict)   // compliant, missing-disclosure, …
/// ```
public struct LabelEngine: Sendable {
    public let pool: WorkerPool

    /// An engine with its own pool of `threads` threads (default: one per core).
    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.pool = WorkerPool(threads: threads)
    }

    /// An engine sharing a pool.
    public init(pool: WorkerPool) { self.pool = pool }

    /// Verifies one input and returns its record: the same object `ailabel verify --format json` puts in
    /// its `files` array. An unreadable or unlabelled input is a verdict, not an error; the call throws
    /// only ``AILabelError/Code/cancelled``.
    public func verify(_ input: MediaInput, with configuration: VerifyConfiguration) async throws(AILabelError) -> FileReport {
        try await pool.run { configuration.verify(input) }
    }

    /// ``verify(_:with:)``, on the calling thread when `placement` allows it and the work is short.
    public func verify(_ input: MediaInput, with configuration: VerifyConfiguration, placement: WorkPlacement) async throws(AILabelError) -> FileReport {
        if case .callerWhenShort(let maxBytes) = placement {
            if Task.isCancelled { throw AILabelError(.cancelled, "the request was cancelled") }
            switch configuration.begin(input, maxBytes: maxBytes) {
            case .done(let report)?: return report
            // The decoding goes to the workers with the parsed file and the metadata already read.
            case .pending(let pending)?: return try await pool.run { configuration.verifier.finish(pending) }
            case nil: break
            }
        }
        return try await verify(input, with: configuration)
    }

    /// Shows what an input carries (structure, XMP, EXIF, text chunks, C2PA), as `ailabel inspect --json`.
    /// Throws ``AILabelError/Code/unsupportedMedia`` for an input in no format ailabel reads and
    /// ``AILabelError/Code/unreadableInput`` for one that does not parse.
    public func inspect(_ input: MediaInput) async throws(AILabelError) -> InspectionReport {
        try await pool.run {
            let file: MediaFile
            do {
                file = try input.open()
            } catch let error as MediaError {
                throw AILabelError.input(error)
            }
            do {
                return try Inspector.inspect(file)
            } catch let error as MediaError {
                throw AILabelError.input(error)
            }
        }
    }

    /// Stamps one input: into the file for the kinds ailabel embeds into, else (and under
    /// ``StampConfiguration/sidecarOnly``) into sidecars. Returns the record and the new bytes, which
    /// the caller writes where it wants (``StampOutcome/writeFile(to:)-(String)``).
    public func stamp(_ input: MediaInput, with configuration: StampConfiguration) async throws(AILabelError) -> StampOutcome {
        try await pool.run { try Self.stampNow(input, configuration) }
    }

    /// The stamp on the calling thread.
    static func stampNow(_ input: MediaInput, _ configuration: StampConfiguration) throws(AILabelError) -> StampOutcome {
        let source: any ByteSource
        do {
            source = try input.byteSource()
        } catch let error as MediaError {
            throw AILabelError.input(error.naming(input.name))
        } catch {
            throw .wrapping(error, as: .unreadableInput)
        }
        let embeddable: Bool
        do {
            embeddable = try AssetRegistry.standard.handler(sniffing: source) != nil || MediaFile.isSupported(path: input.name)
        } catch {
            throw .wrapping(error, as: .unreadableInput)
        }
        if embeddable && !configuration.sidecarOnly {
            return try embed(source, name: input.name, configuration)
        }
        guard SidecarFormat.isDocumentedKind(input.name) || embeddable else {
            throw AILabelError(
                .unsupportedMedia,
                "\(input.name): not a kind ailabel labels (\(AssetRegistry.standard.formatNames) inside; the kinds in Docs/cli.md by sidecar)")
        }
        return try sidecars(source, input: input, configuration)
    }

    private static func embed(_ source: any ByteSource, name: String, _ configuration: StampConfiguration) throws(AILabelError) -> StampOutcome {
        let file: MediaFile
        do {
            file = try MediaFile(path: name, source: source)
        } catch let error as MediaError {
            throw AILabelError.input(error)
        } catch {
            throw .wrapping(error, as: .unreadableInput)
        }
        // The stamper reports into the record and hands over the plan; a different output name makes it
        // hand over an unchanged file too.
        var planned = StampOutcome.Output.none
        var result = configuration.stamper.stamp(input: name, output: "\u{0}", read: { file }, write: { plan, source in
            planned = plan.isIdentity(sourceCount: source.count) ? .unchanged(source) : .file(plan, source: source)
            return []
        })
        result.output = nil
        if result.status == .failed { throw AILabelError(.stampFailed, result.error ?? "the file could not be stamped") }
        return StampOutcome(result: result, output: planned)
    }

    private static func sidecars(_ source: any ByteSource, input: MediaInput, _ configuration: StampConfiguration) throws(AILabelError) -> StampOutcome {
        var result = StampResult(path: input.name, status: .failed)
        result.format = SidecarFormat.kind(of: input.name)
        do {
            let bytes = try source.readAll()
            var existing: [UInt8]?
            if case .given(_, let xmp, _) = input.sidecars { existing = xmp }
            let made = try configuration.sidecarStamper.sidecars(for: bytes, name: input.name, existingXMP: existing)
            result.contentID = made.label.contentID
            result.labelID = made.label.labelID
            result.layers = made.layers
            result.signed = made.c2pa != nil
            if made.c2pa == nil { result.warnings.append("no signer configured: no signed C2PA sidecar was added") }
            result.imageDataUnchanged = true
            result.status = configuration.dryRun ? .wouldStamp : .stamped
            return StampOutcome(result: result, output: configuration.dryRun ? .none : .sidecars(xmp: made.xmp, c2pa: made.c2pa))
        } catch let error as MediaError {
            throw error.code == .limitExceeded ? AILabelError(.tooLarge, error.reason) : AILabelError(.stampFailed, error.reason)
        } catch {
            throw AILabelError(.stampFailed, "\(error)")
        }
    }
}
