import AILabelManifest
import AILabelMedia
import AILabelNetwork
import AILabelVocabulary
import Foundation

/// When pixel detectors (watermarks, the visible badge check) run.
public enum ScanMode: String, Sendable, CaseIterable, Codable {
    /// Only on files whose metadata gives no intact disclosure (where a stripped label is possible),
    /// and to check a declared visible badge.
    case auto
    /// On every file.
    case full
    /// Never.
    case metadata
}

/// What a verification run is configured with.
public struct VerifyOptions: Sendable {
    public var profile: Profile
    public var trust: TrustConfiguration
    /// Count a C2PA manifest only when it chains to a trust anchor.
    public var requireTrusted: Bool
    public var scan: ScanMode
    /// Make a ``Thumbnail`` of each image judged (the HTML report shows them), from the bytes judged.
    public var thumbnails: Bool
    /// How remote C2PA manifests (a file's `dcterms:provenance` reference) are fetched; nil: they are
    /// not, and the file's record names the reference with `manifest.inaccessible`.
    public var remoteManifests: FetchPolicy? = nil
    /// Asks each signer's OCSP responder when its file staples no response (`--ocsp-fetch`); nil:
    /// revocation is judged only from what files carry.
    public var ocspFetcher: (any OCSPFetching)? = nil
    /// The fragments of the fragmented asset whose init segment is verified (`verify INIT --fragments`):
    /// its BMFF hash is checked over every fragment, each failure naming its fragment.
    public var bmffFragments: [BMFFFragmentSource]? = nil

    /// The C2PA validator these options make.
    public var validator: ManifestValidator {
        var validator = ManifestValidator(trust: trust)
        validator.ocspFetcher = ocspFetcher
        validator.bmffFragments = bmffFragments
        return validator
    }

    public init(profile: Profile, trust: TrustConfiguration = .none, requireTrusted: Bool = false, scan: ScanMode = .auto, thumbnails: Bool = false) {
        self.profile = profile
        self.trust = trust
        self.requireTrusted = requireTrusted
        self.scan = scan
        self.thumbnails = thumbnails
    }
}

/// Audits files: runs the evidence collectors, then judges the observations against the profile.
/// Never throws: an unreadable file is a verdict.
public struct Verifier: Sendable {
    public let options: VerifyOptions
    public let collectors: [any EvidenceCollector]

    public init(options: VerifyOptions, extraCollectors: [any EvidenceCollector] = []) {
        self.options = options
        self.collectors = [
            C2PACollector(validator: options.validator, remoteManifests: options.remoteManifests),
            XMPCollector(), EmbeddedLabelCollector(),
            GeneratorTraceCollector(), SidecarCollector(validator: options.validator),
        ] + extraCollectors
    }

    public func verify(path: String) -> FileReport {
        let file: MediaFile
        do {
            // Read by position: the handler reads headers and metadata; nothing holds the whole file.
            file = try MediaFile(path: path, registry: .metadataReading)
        } catch {
            let reason = (error as? MediaError)?.reason ?? "\(error)"
            var report = FileReport(
                path: path, format: AssetRegistry.standard.format(claimedByPath: path)?.rawValue ?? "unknown", verdict: .unreadable,
                findings: [Finding(code: .fileUnreadable, severity: .error, message: reason)])
            // A file whose structure does not parse may still decode (truncated, tampered): show it. Its
            // type and signature are checked first, so what is in no registered format is never read whole.
            if options.thumbnails, (try? MediaFile.checkSignature(path: path, registry: .metadataReading)) != nil,
                let bytes = try? FileReader.read(path)
            {
                report.thumbnail = Thumbnail.make(ofUnparsed: bytes)
            }
            return report
        }
        return verify(file, sidecars: .beside(path))
    }

    /// Verifies a parsed file. Its sidecars are only those `sidecars` names: the default reads none, so
    /// bytes parsed in memory under a client's file name never make the verifier look at this machine's disk.
    public func verify(_ file: MediaFile, sidecars: SidecarSource = .none) -> FileReport {
        switch begin(file, sidecars: sidecars) {
        case .done(let report): return report
        case .pending(let pending): return finish(pending)
        }
    }

    /// The first part of ``verify(_:sidecars:)``: the metadata read and judged when nothing is left to
    /// decode, else the verification as it stands, for ``finish(_:)`` to complete, perhaps on another
    /// thread (a server's event loop begins, a worker finishes, and the file is parsed once).
    public func begin(_ file: MediaFile, sidecars: SidecarSource = .none) -> VerificationStep {
        let subject = VerificationSubject(file: file, sidecars: sidecars)
        let observations = readMetadata(of: subject)
        let decoding = decodingPlan(for: file, observations)
        if !decoding.decodes && !options.thumbnails { return .done(judge(file, observations)) }
        return .pending(PendingVerification(file: file, subject: subject, observations: observations, decoding: decoding))
    }

    /// The rest of a verification ``begin(_:sidecars:)`` left pending: decoding pixels, frames or sound,
    /// the detectors over them, the thumbnail, and the judgement.
    public func finish(_ pending: PendingVerification) -> FileReport {
        let (file, subject, decoding) = (pending.file, pending.subject, pending.decoding)
        var observations = pending.observations
        let pixelCollectors = collectors.filter(\.needsPixels)
        if decoding.sound {
            do {
                // Samples reserve their share of the process's budget, as pixels do (4 bytes each).
                let coding = file.contents.audioCoding!
                // Only what the checks listen to is decoded: the start, unless a cue is declared later on.
                let listened = AudioMarkCollector.secondsListened(watermark: true, declared: observations.declaredAudibleLabel)
                let seconds = min(coding.durationSeconds ?? 60, listened ?? .infinity)
                let estimate = Int(min(seconds * Double(coding.sampleRate) * Double(coding.channels), Double(AudioLimits.maximumDecodedValues)))
                try PixelBudget.shared.withReservation(max(1, min(estimate, PixelBudget.shared.pixels))) {
                    let audio = try file.decodeAudio(firstSeconds: listened).audio
                    observations.pixelsScanned = true
                    AudioMarkCollector().collect(from: subject, audio: audio, into: &observations)
                }
            } catch let error as MediaError {
                observations.addFinding(.audioUndecodable, .warning, "Audio detectors could not run: \(error.reason)")
            } catch {
                observations.addFinding(.audioUndecodable, .warning, "Audio detectors could not run: \(error)")
            }
        }
        if decoding.movieSound, let movie = file.contents.movieCoding {
            // A movie (MP4, MOV, M4A) whose label declares an audible disclosure: its sound track must still hold it.
            if !movie.tracks.contains(where: { $0.handler == "soun" }) {
                AudioMarkCollector().reportNoSound(into: &observations)
            } else {
                do {
                    let track = movie.tracks.first { $0.handler == "soun" }
                    let listened = AudioMarkCollector.secondsListened(watermark: false, declared: observations.declaredAudibleLabel)
                    let seconds = min(track?.duration ?? movie.duration ?? 60, listened ?? .infinity)
                    let estimate = Int(min(seconds * Double(track?.sampleRate ?? 48_000) * Double(track?.channels ?? 2), Double(AudioLimits.maximumDecodedValues)))
                    try PixelBudget.shared.withReservation(max(1, min(max(estimate, 1), PixelBudget.shared.pixels))) {
                        let audio = try AudioCodec.decodeMovie(file.movieInput, firstSeconds: listened).audio
                        AudioMarkCollector().collect(from: subject, audio: audio, watermark: false, into: &observations)
                    }
                } catch let error as MediaError {
                    observations.addFinding(.audioUndecodable, .warning, "The sound track could not be listened to: \(error.reason)")
                } catch {
                    observations.addFinding(.audioUndecodable, .warning, "The sound track could not be listened to: \(error)")
                }
            }
        }
        var thumbnail: Thumbnail?
        if decoding.pixels && file.handler.declaration.carries.contains(.videoFrames) {
            // Video: frames are decoded one at a time; the watermark is pooled over them, the badge checked in its span.
            let scan = VideoScan(
                watermarker: pixelCollectors.lazy.compactMap { $0 as? WatermarkCollector }.first?.ailabel,
                checksBadge: pixelCollectors.contains { $0 is VisibleLabelCollector })
            do {
                try scan.scan(subject, into: &observations)
            } catch {
                observations.addFinding(.pixelsUndecodable, .warning, "Pixel detectors could not run: \(error.reason)")
            }
        } else if decoding.pixels {
            do {
                // The header's dimensions reserve the image's share of the process's pixel budget before
                // anything is decoded; the detectors run inside the reservation, since they hold planes too.
                try PixelBudget.shared.withReservation(max(1, file.contents.width) * max(1, file.contents.height)) {
                    let pixels = try PixelCodec.decode(file.readAll(), maxPixels: PixelBudget.shared.pixels)
                    observations.pixelsScanned = true
                    for collector in pixelCollectors { collector.collect(from: subject, pixels: pixels, into: &observations) }
                    // The HTML report's thumbnail comes from these pixels, inside the same reservation.
                    if options.thumbnails { thumbnail = Thumbnail.make(of: file, decoded: pixels) }
                }
            } catch let error as MediaError {
                observations.addFinding(.pixelsUndecodable, .warning, "Pixel detectors could not run: \(error.reason)")
            } catch {
                observations.addFinding(.pixelsUndecodable, .warning, "Pixel detectors could not run: \(error)")
            }
        }
        var report = judge(file, observations)
        if options.thumbnails {
            // Where the detectors did not decode the pixels (or their strict decode failed), the
            // thumbnail's own lenient decode may still show the file.
            report.thumbnail = thumbnail ?? Thumbnail.make(of: file, decoded: nil)
        }
        return report
    }

    /// The same verification as ``verify(_:sidecars:)`` when it is a parse, hashes and signature
    /// checks only; nil when it would decode (the scan mode and what the metadata says call for pixels,
    /// frames or sound, or thumbnails are asked for) or reach for the network or other files (remote
    /// manifests, OCSP, BMFF fragments). A caller whose thread may run short work but must not be held
    /// long (a server's event loop) verifies here and hands only the nil cases to its workers.
    public func verifyWithoutDecoding(_ file: MediaFile, sidecars: SidecarSource = .none) -> FileReport? {
        guard readsOnlyTheFile, case .done(let report) = begin(file, sidecars: sidecars) else { return nil }
        return report
    }

    /// Whether verifying needs nothing beyond the file and its given sidecars, and makes no thumbnail:
    /// reading the metadata (``begin(_:sidecars:)``) is then short, with no network or other file.
    public var readsOnlyTheFile: Bool {
        options.remoteManifests == nil && options.ocspFetcher == nil && options.bmffFragments == nil && !options.thumbnails
    }

    /// What the collectors that read metadata observe.
    func readMetadata(of subject: VerificationSubject) -> Observations {
        var observations = Observations()
        for collector in collectors where !collector.needsPixels {
            collector.collect(from: subject, pixels: nil, into: &observations)
        }
        return observations
    }

    /// What a verification decodes after reading the metadata.
    struct DecodingPlan: Sendable {
        /// The file is audio, listened to for the audible cue and the mark.
        var sound = false
        /// A movie whose label declares an audible disclosure: its sound track is listened to for it.
        var movieSound = false
        /// Pixels (an image's, or a video's frames) for the badge and watermark detectors.
        var pixels = false

        var decodes: Bool { sound || movieSound || pixels }
    }

    func decodingPlan(for file: MediaFile, _ observations: Observations) -> DecodingPlan {
        // Audio has no pixels: it is listened to instead.
        let isAudio = file.contents.audioCoding != nil
        var plan = DecodingPlan()
        plan.sound = isAudio && shouldScanAudio(observations)
        plan.movieSound = !isAudio && file.contents.movieCoding != nil && observations.declaredAudibleLabel != nil && options.scan != .metadata
        plan.pixels = !isAudio && collectors.contains(where: \.needsPixels) && shouldScanPixels(observations)
        return plan
    }

    /// The record of `file` from what was observed, judged against the profile.
    func judge(_ file: MediaFile, _ observations: Observations) -> FileReport {
        var report = FileReport(
            path: file.path, format: file.format.rawValue, verdict: .noAIEvidence, aiEvidence: observations.evidence,
            disclosures: observations.disclosures, c2pa: observations.c2pa, findings: observations.findings,
            // Audio has no dimensions: none are reported rather than 0×0.
            width: file.contents.width > 0 ? file.contents.width : nil, height: file.contents.height > 0 ? file.contents.height : nil)
        let (verdict, findings) = ProfileEvaluator(options: options).judge(observations)
        report.verdict = verdict
        report.findings += findings
        return report
    }

    /// `auto` listens to audio when metadata gives no intact machine-readable disclosure, or declares
    /// an audible one to check; `full` always.
    func shouldScanAudio(_ observations: Observations) -> Bool {
        switch options.scan {
        case .full: return true
        case .metadata: return false
        case .auto: return !observations.hasIntactDisclosure(of: DisclosureKind.machineReadable) || observations.declaredAudibleLabel != nil
        }
    }

    /// `auto` scans pixels when metadata gives no intact machine-readable disclosure, or declares a
    /// visible badge to check.
    func shouldScanPixels(_ observations: Observations) -> Bool {
        switch options.scan {
        case .full: return true
        case .metadata: return false
        case .auto:
            return !observations.hasIntactDisclosure(of: DisclosureKind.machineReadable) || observations.declaredVisibleLabel != nil
        }
    }
}

/// Turns observations into a verdict under a profile, with a finding for each unmet check.
public struct ProfileEvaluator: Sendable {
    public let options: VerifyOptions

    public init(options: VerifyOptions) { self.options = options }

    public func judge(_ observations: Observations) -> (Verdict, [Finding]) {
        var findings: [Finding] = []
        let hasEvidence = !observations.evidence.isEmpty

        // A manifest in state Invalid voids the file's disclosure when anything shows AI involvement.
        if observations.c2paState == .invalid {
            if observations.c2paDeclaresAI || hasEvidence {
                findings.append(Finding(code: .disclosureInvalid, severity: .error, message: "The file shows AI involvement but its C2PA manifest is invalid."))
                return (.invalidDisclosure, findings)
            }
            findings.append(Finding(code: .c2paInvalidWithoutAI, severity: .warning, message: "An invalid C2PA manifest that declares no AI involvement."))
        }
        guard hasEvidence else {
            // A sidecar that cannot be read may be the very carrier of the evidence (over its size limit,
            // damaged): the audit cannot say "no AI evidence" about a file whose label it could not read.
            if observations.findings.contains(where: { $0.code == .sidecarUnreadable }) {
                findings.append(Finding(
                    code: .disclosureUnverifiable, severity: .error,
                    message: "A sidecar of this file cannot be read, so whether it carries AI evidence is unknown."))
                return (.unreadable, findings)
            }
            return (.noAIEvidence, findings)
        }

        if let contradiction = contradiction(in: observations) {
            findings.append(Finding(code: .disclosureContradictory, severity: .error, message: contradiction))
            return (.invalidDisclosure, findings)
        }
        let broken = observations.disclosures.filter { !$0.intact && $0.kind != .c2pa }
        if !broken.isEmpty {
            findings.append(Finding(
                code: .disclosureInvalid, severity: .error,
                message: "Broken disclosure: \(broken.map(\.detail).joined(separator: "; "))."))
            return (.invalidDisclosure, findings)
        }

        var missing: [Finding] = []
        for check in options.profile.checks {
            if let problem = evaluate(check, observations) {
                missing.append(Finding(code: .profile(options.profile.id, check: check.id), severity: .error, message: problem, reference: check.reference))
            }
        }
        if missing.isEmpty { return (.compliant, findings) }
        return (.missingDisclosure, findings + missing)
    }

    func evaluate(_ check: Profile.Check, _ observations: Observations) -> String? {
        switch check.kind {
        case .machineReadable:
            let accepted = check.accepts.map(Set.init) ?? DisclosureKind.machineReadable
            let found = observations.disclosures.contains { disclosure in
                guard accepted.contains(disclosure.kind), disclosure.intact else { return false }
                if disclosure.kind == .c2pa {
                    guard observations.c2paDeclaresAI else { return false }
                    if options.requireTrusted && observations.c2paState != .trusted { return false }
                }
                return true
            }
            var sidecarKinds = observations.sidecarKinds
            if options.requireTrusted && !observations.trustedSidecar { sidecarKinds.remove(.c2pa) }
            if found || !accepted.intersection(sidecarKinds).isEmpty { return nil }
            if options.requireTrusted && observations.c2paState == .valid && observations.c2paDeclaresAI {
                return "Missing \(check.requirement): the C2PA manifest is not trusted and --require-trusted is set."
            }
            return "Missing \(check.requirement)."
        case .visibleLabel:
            if check.when == "deepfake" && !observations.deepfakeDeclared { return nil }
            guard let visible = observations.declaredVisibleLabel else {
                return "Missing \(check.requirement): no visible label is declared."
            }
            let missingLanguages = (check.languages ?? []).filter { !visible.languages.contains($0) }
            if !missingLanguages.isEmpty {
                return "The visible label lacks text in \(missingLanguages.joined(separator: ", ")) (\(check.requirement))."
            }
            if let rule = check.textRule {
                let text = visible.text.lowercased()
                for group in rule where !group.contains(where: { text.contains($0.lowercased()) }) {
                    return "The visible label's text lacks one of \(group.joined(separator: " / ")) (\(check.requirement))."
                }
            }
            return nil
        case .aigcExactlyOne:
            let labels = observations.aigcLabels
            if labels.isEmpty { return "Missing \(check.requirement)." }
            // One label may be carried in several places (audio keeps it in XMP and in the container's
            // own field, as its tools read it there): the same value twice is one label, two values are two.
            let distinct = Set(labels.map { $0.parsed.label?.json ?? "unparsed \($0.location)" })
            if distinct.count > 1 {
                return "The file holds \(distinct.count) different implicit AIGC labels (\(labels.map(\.location).joined(separator: ", "))); exactly one is allowed."
            }
            return labels[0].parsed.isValid ? nil : "The AIGC label is not valid: \(labels[0].parsed.problems.joined(separator: "; "))."
        }
    }

    /// Labels that contradict each other: one source says generative AI, another a capture or human work.
    func contradiction(in observations: Observations) -> String? {
        let typed = observations.sourceTypes.compactMap { entry in DigitalSourceType(parsing: entry.value).map { (entry.location, $0) } }
        let ai = typed.filter { $0.1.isGenerativeAI }
        let human = typed.filter { $0.1.isCaptureOrHumanWork }
        // An ingredient may be a capture that was then edited with AI: only compare the active declarations.
        let activeHuman = human.filter { $0.0 != "c2pa ingredient" }
        let activeAI = ai.filter { $0.0 != "c2pa ingredient" }
        guard let second = activeHuman.first else { return nil }
        if let first = activeAI.first {
            return "\(first.0) declares \(first.1.term) but \(second.0) declares \(second.1.term)."
        }
        if let aigc = observations.aigcLabels.first(where: { $0.parsed.label?.label == "1" }) {
            return "\(aigc.location) declares the content AI-generated but \(second.0) declares \(second.1.term)."
        }
        return nil
    }
}
