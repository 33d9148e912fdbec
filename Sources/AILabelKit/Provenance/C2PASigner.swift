import AILabelManifest
import AILabelMedia
import AILabelVocabulary
import Foundation

/// Signs stamped files with a C2PA manifest: `c2pa.actions.v2` with `c2pa.created` and the label's
/// digital source type, the hard binding, ailabel's `io.ailabel.disclosure` assertion carrying the
/// label's fields, and `c2pa.watermarked` actions and a soft binding when marks were applied.
public struct C2PASigner: ProvenanceSigner {
    public let signer: ManifestSigner
    /// Adds a small claim thumbnail (off by default: thumbnails bloat files).
    public var includeThumbnail: Bool
    /// How the BMFF hash binds an ISO BMFF file: flat (with Merkle maps over large `mdat`s), or as
    /// the init segment of a fragmented rendition (``FragmentedStamper``).
    public var bmffMode: BMFFSigningMode = .automatic

    /// Loads and checks the key and chain before any file is written: a key that does not match its
    /// certificate, an expired or CA certificate, or a chain the C2PA profile rejects is refused here.
    /// With `timeStampAuthority`, every signature is time-stamped there (RFC 3161, embedded as
    /// `sigTst2`) so it stays valid after the certificate expires; a failed time-stamp fails the file.
    /// With `ocspStaple`, the signing certificate's OCSP response (asked of the responder its
    /// certificate names) is embedded as `c2pa.certificate-status`; a failed fetch, or a response
    /// that does not say the certificate is good, fails the file.
    public init(keyPath: String, chainPath: String, includeThumbnail: Bool = false,
                timeStampAuthority: TimeStampClient? = nil, ocspStaple: Bool = false) throws {
        let key = try Self.read(keyPath, what: "signing key")
        let chain = try Self.read(chainPath, what: "certificate chain")
        var signer = try ManifestSigner(privateKeyPEM: key, certificateChainPEM: chain)
        if let timeStampAuthority {
            signer.timeStamper = { message in try timeStampAuthority.token(for: message) }
        }
        if ocspStaple { try Self.staple(&signer) }
        self.signer = signer
        self.includeThumbnail = includeThumbnail
    }

    /// Signs through an external program (``SignerCommand``, `--signer-cmd`) with the chain at
    /// `chainPath`; `algorithm` (`es256`, `ps256`, …) defaults to the one the leaf's key implies.
    public init(signerCommand: SignerCommand, chainPath: String, algorithm: String? = nil, includeThumbnail: Bool = false,
                timeStampAuthority: TimeStampClient? = nil, ocspStaple: Bool = false) throws {
        let chain = try TrustConfiguration.certificates(fromPEMBundle: try Self.read(chainPath, what: "certificate chain"))
        let chosen: COSEAlgorithm
        if let algorithm {
            guard let named = COSEAlgorithm.allCases.first(where: { $0.description.lowercased() == algorithm.lowercased() }) else {
                throw ConfigurationError(path: "--sign-alg", reason: "unknown algorithm '\(algorithm)' (es256, es384, es512, ps256, ps384, ps512, ed25519)")
            }
            chosen = named
        } else {
            guard let implied = ExternalSigner.defaultAlgorithm(forLeafOf: chain) else {
                throw ConfigurationError(path: chainPath, reason: "the signing certificate's key implies no C2PA algorithm; give --sign-alg")
            }
            chosen = implied
        }
        let command = signerCommand
        var signer = try ManifestSigner(external: ExternalSigner(algorithm: chosen) { bytes in try command.sign(bytes) },
                                        certificates: chain)
        if let timeStampAuthority {
            signer.timeStamper = { message in try timeStampAuthority.token(for: message) }
        }
        if ocspStaple { try Self.staple(&signer) }
        self.signer = signer
        self.includeThumbnail = includeThumbnail
    }

    /// Staples the signer's OCSP response on every signature. The responder is the one the user's
    /// own certificate names, so its host is allowed even when private (an intranet CA); the answer
    /// is fetched once per run and checked before each file is signed.
    static func staple(_ signer: inout ManifestSigner) throws {
        let chain = try signer.certificateDERs.map { try ParsedCertificate(derEncoded: $0) }
        guard let leaf = chain.first, !leaf.ocspResponderURLs.isEmpty else {
            throw ConfigurationError(path: "--ocsp-staple", reason: "the signing certificate names no OCSP responder (Authority Information Access), so there is no response to staple")
        }
        let hosts = Set(leaf.ocspResponderURLs.compactMap { URL(string: $0)?.host?.lowercased() })
        let client = OCSPClient(allowedHosts: hosts)
        signer.certificateStatusProvider = { try client.stapledResponse(for: chain) }
    }

    public func sign(
        _ source: any ByteSource, contents: MediaContents, handler: any AssetHandler, edit: MetadataEdit, label: DisclosureLabel
    ) throws -> SplicePlan {
        try signer.sign(source, contents: contents, handler: handler, edit: edit, definition: Self.definition(for: label), bmffMode: bmffMode)
    }

    /// The manifest a label asks for.
    public static func definition(for label: DisclosureLabel, title: String? = nil) -> ManifestDefinition {
        var watermarks: [WatermarkAction] = []
        var softBindings: [SoftBinding] = []
        if let visible = label.visibleLabel {
            watermarks.append(WatermarkAction(description: "Visible AI disclosure (\(visible.variant)) drawn at \(visible.x),\(visible.y) \(visible.width)×\(visible.height) in \(visible.languages.joined(separator: ", "))", kind: .visible))
        }
        if let audible = label.audibleLabel {
            watermarks.append(WatermarkAction(description: "Audible AI disclosure inserted: \(audible.summary)", kind: .audible))
        }
        if label.watermarked {
            watermarks.append(WatermarkAction(description: "Invisible ailabel watermark carrying label ID \(label.labelID)"))
            softBindings.append(SoftBinding(algorithm: "io.ailabel.watermark.1", value: label.labelID))
        }
        return ManifestDefinition(
            digitalSourceType: label.digitalSourceType.uri, title: title, watermarks: watermarks,
            disclosure: disclosureFields(label), softBindings: softBindings)
    }

    static func disclosureFields(_ label: DisclosureLabel) -> [(key: String, value: CBOR)] {
        DisclosureAssertion(label).fields
    }

    private static func read(_ path: String, what: String) throws -> String {
        // Bounded and non-blocking (a FIFO is refused, not waited on); the message never quotes the file.
        do {
            return String(decoding: try FileReader.read(path, maximumSize: 1 << 20), as: UTF8.self)
        } catch let error as MediaError {
            throw ConfigurationError(path: path, reason: "cannot read the \(what): \(error.reason)")
        }
    }
}
