import AILabelMedia
import AILabelVocabulary
import Foundation

/// Audits the records of a product or service feed. A record that declares AI involvement (its AI flag
/// or a generative digital source type) or whose local images carry AI evidence must carry a
/// machine-readable marker and a visible disclosure phrase, in its title or description, in every
/// language of the profile's `catalog.languages`. Each record gets a ``FileReport`` with `path`
/// `FEED#ID` and `format` `catalog-record`.
public struct CatalogVerifier: Sendable {
    public let verifier: Verifier
    public let mapping: CatalogMapping
    /// Image reports by path: records often share images, and each is verified once.
    let images = ImageReportCache()

    /// The profile's phrases with the mapping's own added.
    public let phrases: DisclosurePhrases

    /// The folder image references resolve in (`--media-root`); nil: the feed's or page's own folder.
    /// A reference that leads outside it is a finding, never read.
    public var mediaRoot: String?

    public init(verifier: Verifier, mapping: CatalogMapping = .default, mediaRoot: String? = nil) {
        self.verifier = verifier
        self.mapping = mapping
        self.mediaRoot = mediaRoot
        phrases = DisclosurePhrases(verifier.options.profile.phrases ?? [:]).merging(mapping.phrases)
    }

    public var profile: Profile { verifier.options.profile }

    /// The languages a record's disclosure must be in.
    public var languages: [String] { profile.catalog?.languages ?? [] }

    /// Reports for every record, or one `unreadable` report for a feed that cannot be read.
    public func verify(feedPath: String) -> [FileReport] {
        let feed: CatalogFeed
        do {
            feed = try CatalogFeed.load(path: feedPath)
        } catch let error as CatalogError {
            return [Self.unreadable(feedPath, error)]
        } catch {
            return [Self.unreadable(feedPath, CatalogError(file: feedPath, reason: "\(error)"))]
        }
        return verify(feed)
    }

    static func unreadable(_ path: String, _ error: CatalogError) -> FileReport {
        FileReport(path: path, format: "catalog", verdict: .unreadable, findings: [Finding(code: .catalogUnreadable, severity: .error, message: error.description)])
    }

    /// Reports for every record, in feed order. Records are verified in parallel unless `concurrently`
    /// is false; the reports are the same either way. (The fuzzer asks for one thread: Dispatch's
    /// worker threads keep allocations across inputs, which LeakSanitizer would check after every one.)
    public func verify(_ feed: CatalogFeed, concurrently: Bool = true) -> [FileReport] {
        let ids = feed.records.enumerated().map { index, record in mapping.identifier(of: record) ?? "record-\(index + 1)" }
        var reports: [FileReport]
        if concurrently {
            let slots = ReportSlots(count: feed.records.count)
            DispatchQueue.concurrentPerform(iterations: feed.records.count) { index in
                slots.set(index, verify(feed.records[index], id: ids[index], feed: feed))
            }
            reports = slots.reports
        } else {
            reports = feed.records.indices.map { verify(feed.records[$0], id: ids[$0], feed: feed) }
        }
        var seen: [String: Int] = [:]
        for (index, id) in ids.enumerated() {
            seen[id, default: 0] += 1
            guard let count = seen[id], count > 1 else { continue }
            reports[index].path += "~\(count)"
            reports[index].findings.append(Finding(
                code: .catalogDuplicateID, severity: .warning,
                message: "Another record before this one has the ID \(id) (record at \(feed.path):\(feed.records[index].line))."))
        }
        return reports
    }

    /// What a record's images show: evidence, problems and the images' own verdicts.
    struct ImageResult {
        var evidence: [Evidence] = []
        var findings: [Finding] = []
        var invalid = false
    }

    /// - Parameter beside: whether the feed or page is in its folder; when not (an upload), no local
    ///   image is looked for, each is an info finding that it was not read.
    func checkImages(_ references: [String], relativeTo feedPath: String, code scope: FindingCode.ImageScope, beside: Bool = true) -> ImageResult {
        var result = ImageResult()
        let base = URL(fileURLWithPath: feedPath).deletingLastPathComponent()
        for reference in references {
            let lower = reference.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("//") {
                result.findings.append(Finding(code: .imageRemote(scope), severity: .info, message: "Image \(reference) is remote and was not fetched (ailabel never uses the network)."))
                continue
            }
            if lower.hasPrefix("data:") {
                result.findings.append(Finding(code: .imageRemote(scope), severity: .info, message: "An inline data: image was not checked."))
                continue
            }
            guard beside else {
                result.findings.append(Finding(
                    code: .imageNotRead(scope), severity: .info,
                    message: "Image \(reference) was not read: the \(scope == .html ? "page" : "feed") came without its folder."))
                continue
            }
            var relative = reference
            if let cut = relative.firstIndex(where: { $0 == "?" || $0 == "#" }) { relative = String(relative[..<cut]) }
            relative = relative.removingPercentEncoding ?? relative
            // A feed or page is someone else's file: its references may name only files in its own folder
            // (or --media-root), never /etc/shadow, ../../etc/passwd, file:// URLs or %2e%2e/ paths.
            let rootFolder = mediaRoot ?? base.path
            let outside = Finding(
                code: .pathOutsideRoot(scope), severity: .warning,
                message: "Image \(reference) lies outside \(rootFolder); it was not read (give --media-root for another folder).")
            if relative.lowercased().hasPrefix("file:") || relative.contains("\0") {
                result.findings.append(outside)
                continue
            }
            let path: String
            if relative.hasPrefix("/") {
                // A site-absolute reference is relative to the media root; without one it is outside.
                guard let mediaRoot else {
                    result.findings.append(outside)
                    continue
                }
                path = URL(fileURLWithPath: mediaRoot).appendingPathComponent(relative).path
            } else {
                path = base.appendingPathComponent(relative).path
            }
            guard let realRoot = FileWalker.realPath(rootFolder) else {
                result.findings.append(outside)
                continue
            }
            guard let realPath = FileWalker.realPath(path) else {
                let lexical = URL(fileURLWithPath: path).standardizedFileURL.path
                if !lexical.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") && !lexical.hasPrefix(rootFolder + "/") {
                    result.findings.append(outside)
                } else {
                    result.findings.append(Finding(code: .imageMissing(scope), severity: .warning, message: "Image \(reference) does not exist (looked for \(path))."))
                }
                continue
            }
            guard realPath.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else {
                result.findings.append(outside)
                continue
            }
            let report = images.report(for: realPath) { verifier.verify(path: $0) }
            for evidence in report.aiEvidence {
                let item = Evidence(source: evidence.source, detail: "image \(reference): \(evidence.detail)")
                if !result.evidence.contains(item) { result.evidence.append(item) }
            }
            switch report.verdict {
            case .unreadable:
                let reason = report.findings.first { $0.code == .fileUnreadable }?.message ?? "not a \(AssetRegistry.standard.formatNames) file ailabel reads"
                result.findings.append(Finding(code: .imageUnreadable(scope), severity: .warning, message: "Image \(reference) is unreadable: \(reason)"))
            case .invalidDisclosure:
                result.invalid = true
                let why = report.findings.filter { $0.severity == .error }.map(\.message).joined(separator: " ")
                result.findings.append(Finding(code: .imageInvalid(scope), severity: .error, message: "Image \(reference) carries a broken disclosure: \(why)"))
            case .compliant, .missingDisclosure:
                result.findings.append(Finding(code: .imageVerdict(scope), severity: .info, message: "Image \(reference): \(report.verdict.rawValue) as a file under profile \(profile.id)."))
            case .noAIEvidence:
                break
            }
        }
        return result
    }

    /// Whether a record needs a disclosure: its own declaration, or its images' AI evidence.
    public func needsDisclosure(_ record: CatalogRecord, feedPath: String) -> Bool {
        if CatalogSignals(record: record, mapping: mapping).declaresAI { return true }
        return !checkImages(mapping.imageReferences(of: record), relativeTo: feedPath, code: .catalog).evidence.isEmpty
    }

    func verify(_ record: CatalogRecord, id: String, feed: CatalogFeed) -> FileReport {
        let reference = profile.catalog?.reference
        var report = FileReport(path: "\(feed.path)#\(id)", format: "catalog-record", verdict: .noAIEvidence)
        if mapping.identifier(of: record) == nil {
            report.findings.append(Finding(code: .catalogIDMissing, severity: .warning, message: "The record at \(feed.path):\(record.line) has no '\(mapping.id)' field; it is named by its position."))
        }
        let signals = CatalogSignals(record: record, mapping: mapping)
        for declaration in signals.declarations where !signals.markers.contains(declaration) {
            report.aiEvidence.append(Evidence(source: .catalog, detail: declaration))
        }
        for marker in signals.markers {
            report.aiEvidence.append(Evidence(source: .catalog, detail: marker))
            report.disclosures.append(Disclosure(kind: .catalog, detail: marker, intact: true))
        }
        let images = checkImages(mapping.imageReferences(of: record), relativeTo: feed.path, code: .catalog)
        report.aiEvidence += images.evidence
        report.findings += images.findings

        let text = mapping.visibleText(of: record).joined(separator: "\n")
        let found = phrases.matches(in: text, languages: languages)
        if !found.isEmpty {
            let detail = found.sorted { $0.key < $1.key }.map { "\($0.key): «\($0.value)»" }.joined(separator: ", ")
            report.disclosures.append(Disclosure(kind: .visible, detail: "disclosure text in title or description (\(detail))", intact: true, languages: found.keys.sorted()))
        }
        guard !report.aiEvidence.isEmpty else {
            report.verdict = .noAIEvidence
            return report
        }
        if images.invalid {
            report.verdict = .invalidDisclosure
            return report
        }
        var missing: [Finding] = []
        if signals.markers.isEmpty {
            missing.append(Finding(
                code: .catalogMarkerMissing, severity: .error,
                message: "No machine-readable AI marker: set \(mapping.digitalSourceType) = trained_algorithmic_media (or schema.org digitalSourceType, or Google Merchant structured_title/structured_description digital_source_type).",
                reference: reference))
        }
        for language in languages where found[language] == nil {
            missing.append(Finding(
                code: .catalogTextMissing, severity: .error,
                message: "No visible disclosure in \(language) in the title or description (phrases such as «\((phrases.phrases[language] ?? []).prefix(2).joined(separator: "», «"))»).",
                reference: reference))
        }
        report.findings += missing
        report.verdict = missing.isEmpty ? .compliant : .missingDisclosure
        return report
    }

    // MARK: Stamping

    /// Stamps a feed: markers and texts for the records that need a disclosure, written in the feed's
    /// own format to `output` (nothing is written on a dry run).
    public func stamp(
        feedPath: String, output: String, languages override: [String]? = nil, texts: [String: String] = [:], dryRun: Bool = false
    ) throws -> CatalogStamper.Result {
        let feed = try CatalogFeed.load(path: feedPath)
        let stamper = CatalogStamper(mapping: mapping, phrases: phrases, languages: override ?? languages, overrides: texts)
        var result = stamper.stamp(feed) { needsDisclosure($0, feedPath: feedPath) }
        // Image paths stay relative to the feed: the copy must sit where they still resolve.
        result.feed.path = output
        let bytes = try result.feed.serialized()
        if !dryRun { try AtomicFile.write(bytes, to: output) }
        return result
    }
}

/// Image reports shared by the records of one feed, each image verified once.
final class ImageReportCache: @unchecked Sendable {  // every access holds the lock
    private let lock = NSLock()
    private var reports: [String: FileReport] = [:]

    func report(for path: String, _ verify: (String) -> FileReport) -> FileReport {
        if let cached = lock.withLock({ reports[path] }) { return cached }
        let report = verify(path)
        lock.withLock { reports[path] = report }
        return report
    }
}

/// One report per record, filled in from parallel workers.
final class ReportSlots: @unchecked Sendable {  // every access holds the lock
    private let lock = NSLock()
    private var slots: [FileReport?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ report: FileReport) { lock.withLock { slots[index] = report } }

    var reports: [FileReport] { lock.withLock { slots.compactMap { $0 } } }
}
