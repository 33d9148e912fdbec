import AILabelVocabulary

/// The verdict for one file: exactly these strings, in every output.
public enum Verdict: String, Sendable, Codable, CaseIterable, Comparable {
    /// AI evidence, and a disclosure that satisfies the profile, intact.
    case compliant
    /// AI evidence but no disclosure, or less than the profile demands.
    case missingDisclosure = "missing-disclosure"
    /// A disclosure is present but broken (signature or hash mismatch, malformed AIGC, contradictions).
    case invalidDisclosure = "invalid-disclosure"
    /// Nothing indicates AI involvement (which never proves human origin).
    case noAIEvidence = "no-ai-evidence"
    /// The file could not be parsed.
    case unreadable

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Evidence that AI was involved, and where it was found.
public struct Evidence: Sendable, Codable, Hashable {
    /// `c2pa`, `iptc`, `tc260`, `exif`, `generator:<name>`, `watermark:ailabel`, `watermark:stable-diffusion`,
    /// `sidecar`, `catalog`, `html`.
    public var source: EvidenceSource
    public var detail: String

    public init(source: EvidenceSource, detail: String) {
        self.source = source
        self.detail = detail
    }
}

/// A disclosure found in the file.
public struct Disclosure: Sendable, Codable, Hashable {
    /// `iptc`, `tc260`, `c2pa`, `ailabel-xmp`, `visible`, `watermark`, `sidecar`.
    public var kind: DisclosureKind
    public var detail: String
    /// Whether it is intact (a valid AIGC JSON, a C2PA manifest not in state Invalid, a badge still there).
    public var intact: Bool
    /// Languages of the disclosure text, where it has any.
    public var languages: [String]?

    public init(kind: DisclosureKind, detail: String, intact: Bool, languages: [String]? = nil) {
        self.kind = kind
        self.detail = detail
        self.intact = intact
        self.languages = languages
    }
}

/// A finding with a stable code (Docs/verification-codes.md).
public struct Finding: Sendable, Codable, Hashable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case error, warning, info

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .info]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    public var code: FindingCode
    public var severity: Severity
    public var message: String
    /// The legal reference of the profile check behind it, when there is one.
    public var reference: String?

    public init(code: FindingCode, severity: Severity, message: String, reference: String? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.reference = reference
    }
}

/// The C2PA part of a report: the validation state and every status code reported.
public struct C2PASummary: Sendable, Codable, Hashable {
    /// `Invalid`, `Valid` or `Trusted`.
    public var state: String
    /// Every status code, success, informational and failure alike.
    public var codes: [String]
    public var failures: [String]
    public var signer: String?
    public var claimGenerator: String?
    /// The C2PA Asset Rubrics signals the manifests fire (active manifest first, then ingredients);
    /// absent when none fires.
    public var signals: [C2PASignal]?
    /// The strongest AI evidence class the signals give: `generative-ai` or `possibly-generative-ai`.
    public var aiClass: String?
    /// Who the CAWG identity assertions name as publisher, one line each (credential, what was
    /// verified, whether the signature holds and is trusted); absent when there are none.
    public var identities: [String]? = nil
    /// The address of a remote manifest (the file's `dcterms:provenance`), fetched or not.
    public var remoteManifest: String? = nil
}

/// One Asset Rubrics signal fired by one manifest of the store.
public struct C2PASignal: Sendable, Codable, Hashable {
    /// The rubric's rule id, e.g. `inception:signal_fullyGenAIMedia`.
    public var signal: String
    public var title: String
    /// The manifest's label, and whether it is the active manifest (else an ingredient's).
    public var manifest: String
    public var active: Bool
    /// `generative-ai`, `possibly-generative-ai`, or absent for signals that say nothing of AI.
    public var aiEvidence: String?
}

/// Everything verify says about one file (or catalogue record, or page).
public struct FileReport: Sendable, Codable, Hashable {
    public var path: String
    public var format: String
    public var verdict: Verdict
    public var aiEvidence: [Evidence]
    public var disclosures: [Disclosure]
    public var c2pa: C2PASummary?
    public var findings: [Finding]
    /// Width and height, for images.
    public var width: Int?
    public var height: Int?
    /// The HTML report's picture of the file, when thumbnails were asked for (never in JSON).
    public var thumbnail: Thumbnail? = nil
    /// The SHA-256 of the file's bytes (hex), in the records of a resumable run (`--resume`) only, so the
    /// next run knows the file is done while its content is the same.
    public var sha256: String? = nil

    public init(path: String, format: String, verdict: Verdict, aiEvidence: [Evidence] = [], disclosures: [Disclosure] = [],
                c2pa: C2PASummary? = nil, findings: [Finding] = [], width: Int? = nil, height: Int? = nil) {
        self.path = path
        self.format = format
        self.verdict = verdict
        self.aiEvidence = aiEvidence
        self.disclosures = disclosures
        self.c2pa = c2pa
        self.findings = findings
        self.width = width
        self.height = height
    }

    enum CodingKeys: String, CodingKey {
        case path, format, verdict, aiEvidence, disclosures, c2pa, findings, width, height, sha256
    }

    // `c2pa` is always present in JSON: null when the file has no manifest.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(format, forKey: .format)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(aiEvidence, forKey: .aiEvidence)
        try container.encode(disclosures, forKey: .disclosures)
        try container.encode(c2pa, forKey: .c2pa)
        try container.encode(findings, forKey: .findings)
        try container.encodeIfPresent(width, forKey: .width)
        try container.encodeIfPresent(height, forKey: .height)
        try container.encodeIfPresent(sha256, forKey: .sha256)
    }
}
