import AILabelManifest
import AILabelMedia
import AILabelVocabulary
import Foundation

/// Reads the sidecars beside a file (`FILE.xmp`, `FILE.c2pa`) into observations: the XMP labels, and the
/// C2PA sidecar validated against the file's bytes (an edited file breaks its hard binding).
public struct SidecarCollector: EvidenceCollector {
    public let validator: ManifestValidator
    public var name: String { "sidecar" }
    public var needsPixels: Bool { false }

    public init(validator: ManifestValidator) { self.validator = validator }

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        collect(subject.sidecars, source: subject.file.source, into: &observations)
    }

    /// Reads the sidecars beside `path` on disk. Works for any file kind: the file is read by position
    /// (a C2PA sidecar's hash streams it).
    public func collect(path: String, source: any ByteSource, into observations: inout Observations) {
        collect(.beside(path), source: source, into: &observations)
    }

    /// Reads the sidecars `sidecars` names, read from disk only when it names a path.
    public func collect(_ sidecars: SidecarSource, source: any ByteSource, into observations: inout Observations) {
        if let xmp = sidecars.xmp {
            let xmpName = xmp.name
            do {
                let packet = try XMPPacket(parsing: try xmp.read(maximumSize: XMPPacket.maximumPacketSize))
                var sidecar = Observations()
                XMPLabelReader.read(packet, location: "XMP sidecar", into: &sidecar)
                observations.evidence += sidecar.evidence.map { Evidence(source: .sidecar, detail: "\($0.source): \($0.detail)") }
                observations.aigcLabels += sidecar.aigcLabels
                observations.sourceTypes += sidecar.sourceTypes
                observations.findings += sidecar.findings
                observations.deepfakeDeclared = observations.deepfakeDeclared || sidecar.deepfakeDeclared
                let kinds = Set(sidecar.disclosures.filter(\.intact).map(\.kind))
                observations.sidecarKinds.formUnion(kinds)
                let broken = sidecar.disclosures.filter { !$0.intact }
                observations.disclosures.append(Disclosure(
                    kind: .sidecar, detail: "XMP sidecar \(xmpName): \(kinds.map(\.rawValue).sorted().joined(separator: ", "))",
                    intact: broken.isEmpty, languages: sidecar.disclosures.first { $0.kind == .ailabelXMP }?.languages))
            } catch {
                observations.disclosures.append(Disclosure(kind: .sidecar, detail: "XMP sidecar \(xmpName)", intact: false))
                observations.addFinding(.sidecarUnreadable, .error, "The XMP sidecar cannot be read: \((error as? MediaError)?.reason ?? "\(error)")")
            }
        }
        if let c2pa = sidecars.c2pa {
            let c2paName = c2pa.name
            let store: [UInt8]
            do {
                store = try c2pa.read(maximumSize: 256 * 1024 * 1024)
            } catch {
                observations.addFinding(.sidecarUnreadable, .error, "The C2PA sidecar cannot be read: \((error as? MediaError)?.reason ?? "\(error)")")
                return
            }
            let report = validator.validate(sidecar: store, asset: source)
            let types = report.activeManifest?.actions.compactMap(\.digitalSourceType) ?? []
            let declaresAI = types.contains { DigitalSourceType(parsing: $0)?.isGenerativeAI == true }
            if declaresAI { observations.addEvidence(.sidecar, "C2PA sidecar declares digitalSourceType \(types.compactMap { DigitalSourceType(parsing: $0)?.term }.joined(separator: ", "))") }
            let intact = report.state != .invalid && report.state != .absent
            observations.disclosures.append(Disclosure(
                kind: .sidecar, detail: "C2PA sidecar \(c2paName), state \(report.state.rawValue)", intact: intact))
            if intact && declaresAI { observations.sidecarKinds.insert("c2pa") }
            if observations.c2pa == nil {
                observations.c2pa = C2PASummary(
                    state: report.state.rawValue, codes: report.statuses.map(\.code.rawValue), failures: report.failureCodes,
                    signer: report.activeManifest?.signer.map { $0.organization ?? $0.commonName ?? $0.subject },
                    claimGenerator: report.activeManifest?.claimGenerator ?? report.activeManifest?.claimGeneratorName)
            }
            for failure in report.failures where failure.code != .signingCredentialUntrusted {
                observations.addFinding(.sidecarC2PA(failure.code), .error, "C2PA sidecar: \(failure.explanation)")
            }
            if report.failures.contains(where: { $0.code == .signingCredentialUntrusted }) {
                observations.addFinding(.c2paUntrusted, .warning, "The C2PA sidecar's signer does not chain to a configured trust anchor (--trust)")
                if !observations.trustedSidecar { observations.sidecarUntrusted = true }
            }
            if report.state == .trusted { observations.trustedSidecar = true }
        }
    }

    /// Whether a file has a sidecar.
    public static func hasSidecar(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: SidecarFormat.xmpPath(for: path)) || FileManager.default.fileExists(atPath: SidecarFormat.c2paPath(for: path))
    }
}

extension Verifier {
    /// Verifies a file of a kind ailabel does not embed into, through its sidecars.
    public func verifyThroughSidecars(path: String) -> FileReport {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch let error as MediaError {
            return FileReport(path: path, format: SidecarFormat.kind(of: path), verdict: .unreadable, findings: [Finding(code: .fileUnreadable, severity: .error, message: error.reason)])
        } catch {
            return FileReport(path: path, format: SidecarFormat.kind(of: path), verdict: .unreadable, findings: [Finding(code: .fileUnreadable, severity: .error, message: "\(error)")])
        }
        return verifyThroughSidecars(source: source, name: path, sidecars: .beside(path))
    }

    /// Verifies bytes of a kind ailabel does not embed into, named `name`, through the sidecars given.
    public func verifyThroughSidecars(source: any ByteSource, name: String, sidecars: SidecarSource) -> FileReport {
        var observations = Observations()
        SidecarCollector(validator: options.validator).collect(sidecars, source: source, into: &observations)
        var report = FileReport(
            path: name, format: SidecarFormat.kind(of: name), verdict: .noAIEvidence, aiEvidence: observations.evidence, disclosures: observations.disclosures,
            c2pa: observations.c2pa, findings: observations.findings)
        let (verdict, findings) = ProfileEvaluator(options: options).judge(observations)
        report.verdict = verdict
        report.findings += findings
        if let container = SidecarOnlyContainer.identify((try? source.read(0..<min(source.count, SidecarOnlyContainer.sniffLength))) ?? []) {
            report.format = container.name
            report.findings.append(Finding(code: .containerSidecarOnly, severity: .info, message: container.finding))
        }
        return report
    }

    /// A file in a container with no C2PA embedding and no sidecar beside it: a record that says so,
    /// rather than a silent skip.
    public static func sidecarOnlyContainer(path: String, _ container: SidecarOnlyContainer) -> FileReport {
        FileReport(
            path: path, format: container.name, verdict: .noAIEvidence,
            findings: [Finding(code: .containerSidecarOnly, severity: .warning, message: container.finding + " This file has neither.")])
    }

    /// A sidecar whose file is gone: a record of its own.
    public static func orphanedSidecar(path: String) -> FileReport {
        FileReport(
            path: path, format: "sidecar", verdict: .invalidDisclosure,
            disclosures: [Disclosure(kind: .sidecar, detail: (path as NSString).lastPathComponent, intact: false)],
            findings: [Finding(code: .sidecarOrphaned, severity: .error, message: "The sidecar's file \((path as NSString).deletingPathExtension) is missing: the label describes nothing.")])
    }
}

/// How verify treats what a walk found.
public struct VerifyPlan: Sendable {
    /// JPEG and PNG files (their sidecars are read with them).
    public var media: [WalkedFile] = []
    /// Other kinds that carry a sidecar.
    public var sidecarLabelled: [WalkedFile] = []
    /// Sidecars whose file is missing.
    public var orphans: [WalkedFile] = []
    /// Everything else: counted, never called unreadable.
    public var other: [WalkedFile] = []

    public init(_ files: [WalkedFile], isMedia: (String) -> Bool) {
        for file in files {
            switch Self.classify(file, isMedia: isMedia) {
            case .orphan: orphans.append(file)
            case .media: media.append(file)
            case .sidecarLabelled: sidecarLabelled.append(file)
            case .other: other.append(file)
            case .sidecar: break
            }
        }
    }

    /// What verify does with one walked file.
    public enum Kind: Sendable, Hashable {
        /// Read and judged.
        case media
        /// Judged through its sidecars.
        case sidecarLabelled
        /// A sidecar whose file is missing: a finding of its own.
        case orphan
        /// A sidecar read with its file: no entry of its own.
        case sidecar
        /// Counted as skipped.
        case other
    }

    /// Decides from the file's name and what lies beside it on disk, so a streamed walk can decide file
    /// by file.
    public static func classify(_ file: WalkedFile, isMedia: (String) -> Bool) -> Kind {
        if SidecarFormat.isSidecar(file.path) {
            let base = (file.path as NSString).deletingPathExtension
            return FileManager.default.fileExists(atPath: base) ? .sidecar : .orphan
        }
        if isMedia(file.path) { return .media }
        return SidecarCollector.hasSidecar(file.path) ? .sidecarLabelled : .other
    }
}
