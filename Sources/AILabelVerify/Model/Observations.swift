import AILabelManifest
import AILabelMedia
import AILabelVocabulary

/// One file, read and parsed once, as every collector sees it.
public struct VerificationSubject: Sendable {
    public let file: MediaFile
    /// The XMP packet (main and extended merged), or nil.
    public let xmp: XMPPacket?
    /// Why the XMP could not be parsed, when it could not.
    public let xmpProblem: String?
    /// The label properties the XMP carries, read once by the vocabulary's reader.
    public let label: XMPLabel?
    public let exif: EXIFMetadata?
    public let exifProblem: String?
    /// Where the file's sidecars come from: read beside a path on disk, given by the caller, or none.
    /// Never guessed from `file.path`: for bytes in memory that name is the client's, not a file here.
    public let sidecars: SidecarSource

    public init(file: MediaFile, sidecars: SidecarSource = .none) {
        self.file = file
        self.sidecars = sidecars
        var xmp: XMPPacket?
        var xmpProblem: String?
        if let bytes = file.contents.xmp {
            do {
                xmp = try XMPPacket(parsing: bytes, extended: file.contents.extendedXMP)
            } catch let error as MediaError {
                xmpProblem = error.reason
            } catch {
                xmpProblem = "\(error)"
            }
        }
        self.xmp = xmp
        self.label = xmp.map(XMPLabel.init(reading:))
        self.xmpProblem = xmpProblem
        var exif: EXIFMetadata?
        var exifProblem: String?
        if let bytes = file.contents.exif {
            do {
                exif = try EXIFMetadata(tiff: bytes)
            } catch let error as MediaError {
                exifProblem = error.reason
            } catch {
                exifProblem = "\(error)"
            }
        }
        self.exif = exif
        self.exifProblem = exifProblem
    }
}

/// What the collectors found in one file, before a profile judges it.
public struct Observations: Sendable {
    public var evidence: [Evidence] = []
    public var disclosures: [Disclosure] = []
    public var findings: [Finding] = []
    public var c2pa: C2PASummary?
    /// The C2PA validation state, when the file carries a manifest.
    public var c2paState: ValidationState?
    /// Whether the active C2PA manifest's actions carry an AI digital source type.
    public var c2paDeclaresAI = false
    /// Every TC260 implicit label found, with where it was found.
    public var aigcLabels: [(location: String, parsed: AIGCLabel.Parsed)] = []
    /// Digital source types declared anywhere (IPTC XMP, C2PA), with where.
    public var sourceTypes: [(location: String, value: String)] = []
    /// Whether any label marks the content as a deepfake.
    public var deepfakeDeclared = false
    /// The visible badge a label declares, if any.
    public var declaredVisibleLabel: VisibleLabelRecord?
    /// The audible disclosure the label declares (XMP, or the C2PA assertion), to be checked by ear.
    public var declaredAudibleLabel: AudibleLabelRecord?
    /// Intact machine-readable kinds (`iptc`, `tc260`, `c2pa`) that a sidecar carries.
    public var sidecarKinds: Set<DisclosureKind> = []
    /// Whether a C2PA sidecar chains to a trust anchor, or validates without doing so.
    public var trustedSidecar = false
    public var sidecarUntrusted = false
    /// Whether pixel detectors ran.
    public var pixelsScanned = false

    public init() {}

    mutating func addEvidence(_ source: EvidenceSource, _ detail: String) {
        let evidence = Evidence(source: source, detail: detail)
        if !self.evidence.contains(evidence) { self.evidence.append(evidence) }
    }

    mutating func addFinding(_ code: FindingCode, _ severity: Finding.Severity, _ message: String, reference: String? = nil) {
        findings.append(Finding(code: code, severity: severity, message: message, reference: reference))
    }

    /// Whether a machine-readable disclosure of these kinds is present and intact.
    func hasIntactDisclosure(of kinds: Set<DisclosureKind>) -> Bool {
        disclosures.contains { kinds.contains($0.kind) && $0.intact }
    }
}

/// Collects evidence and disclosures from one source. Collectors are independent and pluggable: the
/// verifier runs every metadata collector, then the pixel collectors its scan mode allows.
public protocol EvidenceCollector: Sendable {
    var name: String { get }
    /// Pixel collectors decode the image, which costs far more than reading metadata.
    var needsPixels: Bool { get }
    func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations)
}
