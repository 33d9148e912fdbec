import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelVerify
import AILabelVocabulary
import Foundation

/// One parser of untrusted input, as coverage-guided fuzzing drives it.
///
/// Each target feeds raw bytes to one public entry point and, where the input was accepted, checks
/// a property that must hold for every accepted input (a rewrite re-parses and keeps the image data
/// byte-identical; an encoding decodes back to itself). The libFuzzer executable (`ailabel-fuzz`)
/// and the regression test replaying `Fixtures/fuzz/` both call ``run(_:)``, so a crasher found by
/// the fuzzer is replayed through exactly the code that found it.
public struct FuzzTarget: Hashable, Sendable, CustomStringConvertible {
    /// The name scripts/fuzz and `Fixtures/fuzz/NAME` use: a format's name for its container target.
    public let rawValue: String
    let body: Body

    enum Body: Hashable, Sendable {
        /// A registered format's parser, metadata extraction, and the one-pass metadata rewrite.
        case container(MediaFormat)
        case xmp, exif, jumbf, cbor, cose, inspect, verify, pixels, catalog, page, remote, timestamp, ocsp, merkle, video, crjson, audio
    }

    public var description: String { rawValue }

    public init?(rawValue: String) {
        guard let target = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = target
    }

    init(_ name: String, _ body: Body) {
        self.rawValue = name
        self.body = body
    }

    /// The container target of a registered format (`jpeg`: JPEG segments; `png`: chunks, CRCs, text
    /// chunk inflation), named after the format.
    public static func container(_ format: MediaFormat) -> FuzzTarget { FuzzTarget(format.rawValue, .container(format)) }

    /// XMP packets through libxml2: parse, edit, serialize, re-parse; the label schema read, written back
    /// and read again.
    public static let xmp = FuzzTarget("xmp", .xmp)
    /// EXIF (TIFF) blocks through libexif, and the "add only what is missing" writer.
    public static let exif = FuzzTarget("exif", .exif)
    /// JUMBF boxes and the C2PA manifest store, validated against the input as its own asset.
    public static let jumbf = FuzzTarget("jumbf", .jumbf)
    /// The CBOR decoder, with an encode/decode round trip.
    public static let cbor = FuzzTarget("cbor", .cbor)
    /// COSE_Sign1 claim signatures: structure, certificate chain and signature check.
    public static let cose = FuzzTarget("cose", .cose)
    /// Whole-file `ailabel inspect`: format sniffing, parsing, the JSON report.
    public static let inspect = FuzzTarget("inspect", .inspect)
    /// Whole-file `ailabel verify` (metadata scan): every evidence collector, the kz profile, the JSON report.
    public static let verify = FuzzTarget("verify", .verify)
    /// Pixel decoding through each format's codec (bounded to 4 MP, as fuzz inputs are small).
    public static let pixels = FuzzTarget("pixels", .pixels)
    /// Product and service catalogues (CSV/TSV, JSON, JSONL): parse, judge every record, serialize.
    public static let catalog = FuzzTarget("catalog", .catalog)
    /// Web pages through libxml2's HTML parser, judged for the AI disclosure a person can see.
    public static let page = FuzzTarget("page", .page)
    /// A remote manifest server's answer (`verify --fetch-remote`): validated as the manifest store of
    /// a fixed JPEG that names it, as the C2PA collector validates a fetched body.
    public static let remote = FuzzTarget("remote", .remote)
    /// RFC 3161 time-stamp tokens and responses (CMS SignedData, TSTInfo): parse, verify, and read as a TSA's answer.
    public static let timestamp = FuzzTarget("timestamp", .timestamp)
    /// OCSP responses (RFC 6960: OCSPResponse, BasicOCSPResponse, SingleResponse), as a file's `rVals`
    /// or `c2pa.certificate-status` or a responder carries them: parsed, then read and judged about a
    /// fixed signer.
    public static let ocsp = FuzzTarget("ocsp", .ocsp)
    /// Merkle maps of a BMFF hash and the `merkle` proof boxes of BMFF files and fragments: the input is
    /// a 2-byte big-endian length, that many bytes of the BMFF hash assertion's CBOR, then a BMFF file
    /// checked against it as one file and as a fragment beside itself as init segment.
    public static let merkle = FuzzTarget("merkle", .merkle)

    /// Video through libav (`VideoCodec.decode`): demuxers of MP4/MOV, Matroska/WebM, AVI, MPEG-TS, FLV, IVF and
    /// their decoders, bounded to 1 MP frames and 20 frames; every frame handed out must have the size declared.
    public static let video = FuzzTarget("video", .video)

    /// crJSON (`inspect --crjson`) of a manifest store from a stranger: the input read as a store,
    /// validated against itself as the asset (as `jumbf` is), and written as the crJSON document.
    public static let crjson = FuzzTarget("crjson", .crjson)

    /// Audio through FFmpeg (`AudioCodec.decode`, the audible disclosure's and the audio watermark's decode
    /// path): the MP3, FLAC and MP4 demuxers (``AudioContainers/compressed``) and any codec FFmpeg knows, from
    /// memory, bounded to 2²² decoded values; what comes out
    /// must be whole frames of 1 to 8 channels at a rate in ``AudioLimits/sampleRates``.
    public static let audio = FuzzTarget("audio", .audio)

    /// One container target per registered format, then the others.
    public static var allCases: [FuzzTarget] {
        AssetRegistry.standard.handlers.map { container($0.format) }
            + [xmp, exif, jumbf, cbor, cose, inspect, verify, pixels, catalog, page, remote, timestamp, ocsp, merkle, video, crjson, audio]
    }

    /// Runs one input. Never throws: a rejected input is the expected outcome for most fuzz inputs.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        switch body {
        case .container(let format):
            guard let handler = AssetRegistry.standard.handler(for: format) else { return .rejected }
            return Self.rewriteRoundTrip(bytes, handler: handler)
        case .xmp: return Self.xmp(bytes)
        case .exif: return Self.exif(bytes)
        case .jumbf: return Self.jumbf(bytes)
        case .cbor: return Self.cbor(bytes)
        case .cose: return Self.cose(bytes)
        case .inspect: return Self.inspect(bytes)
        case .verify: return Self.verify(bytes)
        case .pixels: return Self.pixels(bytes)
        case .catalog: return Self.catalog(bytes)
        case .page: return Self.page(bytes)
        case .remote: return Self.remote(bytes)
        case .timestamp: return Self.timestamp(bytes)
        case .ocsp: return Self.ocsp(bytes)
        case .merkle: return Self.merkle(bytes)
        case .video: return Self.video(bytes)
        case .crjson: return Self.crjson(bytes)
        case .audio: return Self.audio(bytes)
        }
    }

    // MARK: Containers

    /// A fixed XMP packet written by every rewrite, as `stamp` would write its own.
    static let replacementXMP: [UInt8] = {
        var packet = XMPPacket()
        packet.set(.text("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"),
                   namespace: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/", preferredPrefix: "Iptc4xmpExt", name: "DigitalSourceType")
        return packet.serialized()
    }()

    static func rewriteRoundTrip(_ bytes: [UInt8], handler: any AssetHandler) -> FuzzOutcome {
        guard let contents = try? handler.parse(bytes) else { return .rejected }
        _ = try? handler.imageDataRanges(in: bytes)
        var edit = MetadataEdit()
        edit.xmp = .replace(replacementXMP)
        edit.c2paStore = .remove
        edit.comments = ["fuzz"]
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: "{\"Label\":\"1\"}")]
        guard let rewritten = try? handler.rewrite(bytes, applying: edit) else { return .rejected }
        let reparsed: MediaContents
        do {
            reparsed = try handler.parse(rewritten.bytes)
        } catch {
            return .violated("a rewrite of an accepted \(handler.format.rawValue) file does not parse: \(error)")
        }
        // The project's central guarantee: metadata edits never touch the compressed image data.
        guard ByteRanges.equal(bytes, contents.imageDataRanges, rewritten.bytes, reparsed.imageDataRanges) else {
            return .violated("a rewrite changed the compressed image data: \(contents.imageDataRanges) became \(reparsed.imageDataRanges)")
        }
        guard reparsed.xmp != nil else {
            let layout = reparsed.blocks.map { "\($0.name)@\($0.offset)" }.joined(separator: " ")
            return .violated("a rewrite lost the XMP packet it wrote: \(layout)")
        }
        return .accepted
    }

    // MARK: Metadata

    static func xmp(_ bytes: [UInt8]) -> FuzzOutcome {
        guard var packet = try? XMPPacket(parsing: bytes) else { return .rejected }
        for property in packet.properties { _ = property.value.displayText }
        packet.set(.alternative([XMPLanguageString(language: "kk", text: "ЖИ")]),
                   namespace: LabelNamespace.ailabel, preferredPrefix: "ailabel", name: "Disclosure")
        let serialized = packet.serialized()
        guard let reparsed = try? XMPPacket(parsing: serialized) else {
            return .violated("an edited packet does not re-parse")
        }
        guard reparsed.value(namespace: LabelNamespace.ailabel, name: "Disclosure") != nil else {
            return .violated("an edited packet lost the property just set")
        }
        return labelRoundTrip(bytes)
    }

    /// The label schema's reader and writer agree on any packet: the label read from it, written back
    /// into it, reads back the same (a repeated property collapses to its first value, as the writer
    /// sets each property once).
    static func labelRoundTrip(_ bytes: [UInt8]) -> FuzzOutcome {
        guard var packet = try? XMPPacket(parsing: bytes) else { return .rejected }
        var label = XMPLabel(reading: packet)
        label.write(into: &packet)
        guard let reparsed = try? XMPPacket(parsing: packet.serialized()) else {
            return .violated("a packet with its label written back does not re-parse")
        }
        label.digitalSourceTypes = Array(label.digitalSourceTypes.prefix(1))
        label.aigc = Array(label.aigc.prefix(1))
        guard XMPLabel(reading: reparsed) == label else {
            return .violated("the label written back into a packet reads back differently")
        }
        return .accepted
    }

    static func exif(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let metadata = try? EXIFMetadata(tiff: bytes) else { return .rejected }
        _ = metadata.userComment
        let values = [EXIFMetadata.ASCIIValue(directory: .ifd0, tag: 0x0131, value: "ailabel")]
        guard let updated = try? EXIFMetadata.addingMissing(values, to: bytes) else { return .accepted }
        if (try? EXIFMetadata(tiff: updated)) == nil { return .violated("EXIF written by addingMissing does not re-parse") }
        return .accepted
    }

    // MARK: C2PA

    /// A fixed time, so that certificate validity never depends on when the fuzzer runs.
    static let validator = ManifestValidator(validationTime: Date(timeIntervalSince1970: 1_767_225_600))

    static func jumbf(_ bytes: [UInt8]) -> FuzzOutcome {
        _ = try? JUMBFSuperbox(parsing: bytes)
        let store = try? ManifestStore(parsing: bytes)
        _ = validator.validate(storeBytes: bytes, source: bytes)
        return store == nil ? .rejected : .accepted
    }

    /// Every store that is read gets a crJSON document that is JSON (no value JSON cannot hold) and
    /// reads back as text with every manifest of the store.
    static func crjson(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let store = try? ManifestStore(parsing: bytes) else { return .rejected }
        let report = validator.validate(storeBytes: bytes, source: bytes)
        guard JSONSerialization.isValidJSONObject(CRJSON.document(store: store, report: report)) else {
            return .violated("a crJSON document holds a value JSON cannot")
        }
        let text = CRJSON.text(store: store, report: report)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            (object["manifests"] as? [Any])?.count == store.manifests.count
        else { return .violated("crJSON text does not read back with every manifest of the store") }
        return .accepted
    }

    /// The asset a fuzzed remote answer is checked against: the smallest JPEG, SOI then EOI.
    static let remoteAsset: [UInt8] = [0xFF, 0xD8, 0xFF, 0xD9]

    static func remote(_ bytes: [UInt8]) -> FuzzOutcome {
        let report = validator.validate(sidecar: bytes, asset: remoteAsset)
        guard report.state != .absent else { return .rejected }
        // An answer that is read must be judged: a state other than Absent comes with its codes.
        if report.state == .invalid && report.failures.isEmpty { return .violated("an Invalid remote manifest without a failure code") }
        return .accepted
    }

    static func merkle(_ bytes: [UInt8]) -> FuzzOutcome {
        guard bytes.count >= 2 else { return .rejected }
        let length = Int(bytes[0]) << 8 | Int(bytes[1])
        guard bytes.count >= 2 + length, let cbor = try? CBOR(decoding: bytes[2..<2 + length]) else { return .rejected }
        let file = Array(bytes[(2 + length)...])
        guard let binding = try? BMFFHash(cbor: cbor, label: BMFFHash.label) else { return .rejected }
        // The CBOR of what was read reads back the same.
        guard (try? BMFFHash(cbor: binding.cbor, label: BMFFHash.label)) == binding else { return .violated("a BMFF hash does not survive its own CBOR") }
        let asFile = (try? binding.verify(file as any ByteSource, claimAlgorithm: "sha256")) != nil
        let check = BMFFFragmentCheck(binding: binding, initSegment: file as any ByteSource, claimAlgorithm: "sha256")
        let asFragment = (try? check.verify(fragment: file as any ByteSource)) != nil
        _ = check.verify([BMFFFragmentSource(name: "fuzz") { file as any ByteSource }], requireAll: true)
        // A map of no leaf binds nothing: it never passes.
        if asFile, binding.merkle?.contains(where: { $0.count == 0 }) == true { return .violated("a Merkle map of no leaf was accepted") }
        return asFile || asFragment ? .accepted : .rejected
    }

    static func cbor(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let value = try? CBOR(decoding: bytes) else { return .rejected }
        // Compared through the encoding, since a decoded NaN is never equal to itself.
        let encoded = value.encoded()
        guard let decoded = try? CBOR(decoding: encoded) else { return .violated("a deterministic encoding does not decode") }
        guard decoded.encoded() == encoded else { return .violated("CBOR encode/decode is not a round trip") }
        return .accepted
    }

    static let claimBytes = Array("a claim the fuzzed signature does not sign".utf8)

    static func cose(_ bytes: [UInt8]) -> FuzzOutcome {
        let sign1 = try? COSESign1(decoding: bytes)
        if let sign1 {
            _ = sign1.certificateChain
            _ = sign1.encoded()
        }
        _ = validator.validateSignature(bytes, claimBytes: claimBytes)
        return sign1 == nil ? .rejected : .accepted
    }

    /// A token can only be accepted over the bytes its imprint hashes, signed by its own
    /// certificate: fuzzed bytes never hold a valid signature over this fixed message, so any
    /// acceptance is a verification bug.
    static func timestamp(_ bytes: [UInt8]) -> FuzzOutcome {
        let message = Array("ailabel fuzz message".utf8)
        let token = try? TimeStampToken(parsing: bytes)
        let outcome = TimeStampVerifier(trust: .none).verify(bytes, over: message, checkTrust: true)
        if outcome.time != nil { return .violated("a fuzzed time-stamp was accepted over a fixed message") }
        if outcome.statuses.contains(where: { !$0.code.rawValue.hasPrefix("timeStamp.") && $0.code.kind != .failure }) {
            return .violated("a time-stamp produced a code that is not a timeStamp or profile code")
        }
        if (try? TimeStampRequest(message: message).token(fromResponse: bytes)) != nil {
            return .violated("a fuzzed TimeStampResp was accepted for a fresh request")
        }
        return token == nil ? .rejected : .accepted
    }

    /// A signer of its own PKI, made once per process: no seed or fuzzed response is about it.
    static let ocspSigner: [ParsedCertificate] = {
        guard let pki = try? TestPKI.generate(commonName: "ailabel fuzz"),
            let chain = try? ParsedCertificate.certificates(fromPEMBundle: pki.signerChainPEM)
        else { return [] }
        return chain
    }()

    /// Seeds are real signed responses, so a mutation that keeps the signed part may still verify;
    /// but none can name this process's own signer without changing what was signed, so a verdict
    /// about it is a verification bug. Without anchors no stapled response may count at all.
    static func ocsp(_ bytes: [UInt8]) -> FuzzOutcome {
        let response = try? OCSPResponse(derEncoded: bytes)
        let checker = OCSPChecker(trust: .none)
        let read = checker.read(bytes, signer: ocspSigner, signingTime: nil)
        if read.namesSigner || !read.statuses.isEmpty {
            return .violated("a fuzzed OCSP response named a signer it cannot know")
        }
        if !checker.judge(bytes, signer: ocspSigner, signingTime: Date()).statuses.isEmpty {
            return .violated("a stapled OCSP response counted without a trusted responder")
        }
        if let response, response.basic?.responses.count ?? 0 > 64 {
            return .violated("more single responses were read than the limit")
        }
        return response == nil ? .rejected : .accepted
    }

    // MARK: Whole files

    /// No extension: the content alone decides the format, as for a file named without one.
    static let path = "/nonexistent/ailabel-fuzz-input"

    static func inspect(_ bytes: [UInt8]) -> FuzzOutcome {
        let report: InspectionReport
        do {
            report = try Inspector.inspect(MediaFile(path: path, bytes: bytes))
        } catch {
            return .rejected
        }
        if (try? JSONEncoder().encode(report)) == nil { return .violated("an inspection report does not encode as JSON") }
        return .accepted
    }

    static let verifier: Verifier = {
        // The shipped profile is data in the bundle; without it there is nothing to fuzz.
        guard let profile = try? Profile.load("kz") else { fatalError("the kz profile cannot be loaded") }
        return Verifier(options: VerifyOptions(profile: profile, scan: .metadata))
    }()

    static func verify(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let file = try? MediaFile(path: path, bytes: bytes) else { return .rejected }
        let report = verifier.verify(file)
        let run = VerificationRun(version: "fuzz", profile: verifier.options.profile, scan: .metadata, files: [report], skipped: [], failOn: [])
        do {
            _ = try ReportRenderer.render(run, as: .json, failOn: [])
        } catch {
            return .violated("a verification report does not render: \(error)")
        }
        return .accepted
    }

    /// Built once, as a run over a folder of feeds or pages builds them once.
    static let catalogVerifier = CatalogVerifier(verifier: verifier)
    static let pageVerifier = PageVerifier(verifier: verifier)

    /// No extension: the content decides between CSV, JSON and JSONL.
    static let feedPath = "/nonexistent/ailabel-fuzz-feed"

    static func catalog(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let feed = try? CatalogFeed.parse(bytes, path: feedPath) else { return .rejected }
        let reports = catalogVerifier.verify(feed, concurrently: false)
        guard reports.count == feed.records.count else {
            return .violated("\(feed.records.count) records gave \(reports.count) reports")
        }
        guard let serialized = try? feed.serialized() else { return .accepted }
        let again: CatalogFeed
        do {
            again = try CatalogFeed.parse(serialized, path: feedPath)
        } catch {
            return .violated("a serialized \(feed.format) catalogue does not parse again: \(error)")
        }
        guard again.records.count == feed.records.count else {
            return .violated("a serialized catalogue has \(again.records.count) records instead of \(feed.records.count)")
        }
        return .accepted
    }

    static func page(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let root = try? HTMLDocumentParser.parse(bytes) else { return .rejected }
        _ = pageVerifier.verify(root, path: "/nonexistent/ailabel-fuzz-page.html")
        return .accepted
    }

    /// libav reads the input through ailabel (``MovieInput/source(_:name:)``), as `verify` reads an upload:
    /// the first 20 frames of its video, then the sound of a movie.
    static func video(_ bytes: [UInt8]) -> FuzzOutcome {
        let input = MovieInput.source(bytes, name: "fuzz-input")
        var violation: String?
        var accepted = false
        do {
            let info = try VideoCodec.decode(
                input, selection: .init(maximumFrames: 20), limits: VideoLimits(maximumPixels: 1 << 20, maximumStreams: 64)
            ) { frame in
                if frame.width * frame.height > 1 << 20 { violation = "a \(frame.width)×\(frame.height) frame passed the 1 MP limit" }
                return true
            }
            if let violation { return .violated(violation) }
            if info.frames > 20 { return .violated("\(info.frames) frames handed out past the limit of 20") }
            accepted = true
        } catch {}
        if let (audio, info) = try? AudioCodec.decodeMovie(input) {
            guard audio.channels == info.channels, audio.samples.count <= AudioLimits.maximumDecodedValues else {
                return .violated("a movie's sound decoded to \(audio.samples.count) values in \(audio.channels) channels (the stream declares \(info.channels))")
            }
            accepted = true
        }
        return accepted ? .accepted : .rejected
    }

    /// The decoded values a fuzz input may make (16 MB of floats): the limit is the property checked.
    static let audioValueLimit = 1 << 22

    static func audio(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let (audio, info) = try? AudioCodec.decode(bytes, as: .compressed, maximumValues: audioValueLimit) else { return .rejected }
        guard (1...AudioLimits.maximumChannels).contains(audio.channels), audio.channels == info.channels else {
            return .violated("\(audio.channels) channels decoded (the stream declares \(info.channels))")
        }
        guard AudioLimits.sampleRates.contains(audio.sampleRate) else { return .violated("a rate of \(audio.sampleRate) Hz passed the limits") }
        guard audio.frameCount > 0, audio.samples.count <= audioValueLimit, audio.samples.count % audio.channels == 0 else {
            return .violated("\(audio.samples.count) values decoded for \(audio.channels) channels (limit \(audioValueLimit))")
        }
        return .accepted
    }

    static func pixels(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let image = try? PixelCodec.decode(bytes, maxPixels: 4_000_000) else { return .rejected }
        guard image.width > 0, image.height > 0 else { return .violated("a decoded image has no pixels") }
        return .accepted
    }
}

/// What one fuzz input led to.
public enum FuzzOutcome: Sendable, Hashable {
    /// The parser refused the input with an error, as it should for malformed input.
    case rejected
    /// The parser accepted the input and every property checked on it held.
    case accepted
    /// A property that must hold for every accepted input did not.
    case violated(String)

    public var isViolation: Bool { if case .violated = self { true } else { false } }
}
