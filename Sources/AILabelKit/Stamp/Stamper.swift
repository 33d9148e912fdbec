import AILabelMedia
import AILabelVocabulary
import AILabelWatermark
import Foundation

/// What a user asks to be stamped: the label's fields before a file's own content ID is known.
public struct LabelRequest: Sendable, Hashable {
    public var sourceType: DigitalSourceType = .trainedAlgorithmicMedia
    public var aiSystem: String?
    public var aiSystemVersion: String?
    public var producerName: String?
    public var producerID: String?
    /// A content ID to force; nil keeps the file's own or generates one.
    public var contentID: String?
    /// ISO 8601 creation time; nil means now.
    public var created: String?
    public var isDeepfake = false
    public var languages: [String] = ["kk", "ru", "en"]
    public var textOverrides: [String: String] = [:]
    public var prompt: String?
    public var propagatorID: String?
    public var propagateID: String?
    public var profile = "kz"

    public init() {}
}

/// Adds a signed provenance manifest (the C2PA signer). It runs last, since its hard binding hashes the
/// final file: it plans `edit` with a store in it over `source` (whose parse is `contents`), hashes the
/// planned output as it streams, and returns the plan with the signed store in place.
public protocol ProvenanceSigner: Sendable {
    func sign(
        _ source: any ByteSource, contents: MediaContents, handler: any AssetHandler, edit: MetadataEdit, label: DisclosureLabel
    ) throws -> SplicePlan
}

/// A stamped file as a plan over its source: nothing is written or held until the plan is executed.
public struct StampedFile: Sendable {
    /// The new file: ranges of ``source`` and new blocks.
    public var plan: SplicePlan
    /// What the plan copies from: the input file, or the re-encoded pixels when a mark was drawn.
    public var source: any ByteSource
    public var label: DisclosureLabel
    public var layers: [String]
    public var warnings: [String]
    /// Whether a mark was drawn, so the plan copies from re-encoded pixels rather than the input.
    public var pixelsReencoded: Bool

    /// The new file as one array (tests, small files).
    public func bytes() throws -> [UInt8] { try plan.materialize(from: source) }
}

/// Changes pixels to carry a mark (the visible badge, the invisible watermark), recording what it did in the label.
public protocol PixelMarker: Sendable {
    var name: String { get }
    func mark(_ image: RGBImage, label: inout DisclosureLabel) throws -> RGBImage
    /// Whether the mark can still be read from `image`, the re-encoded file decoded again (a GIF's
    /// 256-colour palette can flatten a faint mark): a mark that did not survive is not claimed.
    func survives(in image: RGBImage, label: DisclosureLabel) -> Bool
}

extension PixelMarker {
    public func survives(in image: RGBImage, label: DisclosureLabel) -> Bool { true }
}

/// The outcome of stamping one file, as `stamp --json` prints it.
public struct StampResult: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable {
        case stamped
        /// `--dry-run`: what would have been written.
        case wouldStamp = "would-stamp"
        case failed
        /// Not a kind of file stamp labels, or not to be written (read-only, a key file).
        case skipped
        /// Already carries the same label and marks: left as it is.
        case unchanged
    }

    public var path: String
    public var output: String?
    public var status: Status
    public var format: String?
    public var contentID: String?
    public var labelID: String?
    /// The layers written: `iptc`, `tc260`, `ailabel-xmp`, `exif`, `c2pa`, `visible`, `watermark`.
    public var layers: [String] = []
    public var signed = false
    /// Whether the compressed image data is byte-identical to the input's (false when pixels were marked).
    public var imageDataUnchanged: Bool?
    public var warnings: [String] = []
    public var error: String?
    /// For a fragmented MP4 stamped with `--fragments`: how many fragments were written with a Merkle proof.
    public var fragments: Int?

    public init(path: String, status: Status) {
        self.path = path
        self.status = status
    }
}

/// Stamps files: every machine-readable layer in one metadata rewrite, then pixel marks (when asked) and
/// the signed manifest, then one atomic write.
public struct Stamper: Sendable {
    public var request: LabelRequest
    public var markers: [any PixelMarker]
    public var signer: (any ProvenanceSigner)?
    public var dryRun: Bool
    public var registry: AssetRegistry
    /// The audible disclosure to insert into audio files (`--audible`); nil for none.
    public var audible: AudibleRequest?
    /// Video: how long the badge is shown, and how frames are re-encoded.
    public var videoSpan: VisibleSpan = .full
    public var videoSettings = VideoCodec.EncodeSettings()

    public init(
        request: LabelRequest, markers: [any PixelMarker] = [], signer: (any ProvenanceSigner)? = nil, dryRun: Bool = false,
        registry: AssetRegistry = .standard, audible: AudibleRequest? = nil
    ) {
        self.audible = audible
        self.request = request
        self.markers = markers
        self.signer = signer
        self.dryRun = dryRun
        self.registry = registry
    }

    /// Stamps `input` and writes the result to `output` (which may be the same path) atomically. Never
    /// throws: a failure is a result, and the input is never damaged.
    /// - Parameter syncDirectory: false when the caller flushes output folders itself afterwards.
    public func stamp(input: String, output: String, syncDirectory: Bool = true) -> StampResult {
        stamp(input: input, output: output) { plan, source in try AtomicFile.write(plan, from: source, to: output, syncDirectory: syncDirectory) }
    }

    /// Stamps `input` and hands the plan of the new file for `output` (over its source) to `write`, which
    /// must leave `output` whole when it throws (a batch stages it in a ``GroupCommit``, whose later
    /// failures the batch reports).
    public func stamp(input: String, output: String, write: (SplicePlan, any ByteSource) throws -> Void) -> StampResult {
        guard MediaFile.isMedia(path: input, registry: registry) else {
            var result = StampResult(path: input, status: .skipped)
            result.output = output
            result.error = "not a \(registry.formatNames) file; stamp embeds only into those (use --sidecar for other kinds)"
            return result
        }
        return stamp(input: input, output: output, read: { try MediaFile(path: input, registry: registry) }) { plan, source in
            if output != input { try OutputLocation.createParent(of: output) }
            try write(plan, source)
            return []
        }
    }

    /// Stamps the file `read` returns (reporting it as `input`) and hands the plan of the new file to
    /// `write`, which returns warnings about the write (attributes it could not keep). A file that already
    /// carries this label and these marks is left alone (status `unchanged`): a second run, or a run after
    /// a kill, never marks pixels twice.
    public func stamp(
        input: String, output: String, read: () throws -> MediaFile, write: (SplicePlan, any ByteSource) throws -> [String]
    ) -> StampResult {
        var result = StampResult(path: input, status: .failed)
        result.output = output
        do {
            let file = try read()
            result.format = file.format.rawValue
            if let existing = try alreadyStamped(file) {
                result.contentID = existing.contentID
                result.labelID = existing.labelID
                result.imageDataUnchanged = true
                result.status = .unchanged
                // In place nothing is written; under --out the output is the file as it is.
                if output != input && !dryRun { result.warnings += try write(SplicePlan(copying: 0..<file.source.count), file.source) }
                return result
            }
            let stamped = try stamp(file)
            result.contentID = stamped.label.contentID
            result.labelID = stamped.label.labelID
            result.layers = stamped.layers
            result.signed = stamped.layers.contains("c2pa")
            result.warnings = stamped.warnings
            result.imageDataUnchanged = try imageDataIdentical(original: file, stamped: stamped)
            if dryRun {
                result.status = .wouldStamp
                return result
            }
            result.warnings += try write(stamped.plan, stamped.source)
            result.status = .stamped
        } catch let error as MediaError {
            result.error = error.reason
        } catch {
            result.error = "\(error)"
        }
        return result
    }

    /// Stamps a parsed file: returns the plan of the new file over its source, the label as written, and
    /// the layers. The file is parsed once (by ``MediaFile``); without pixel marks nothing here reads it
    /// whole: one plan carries the metadata edit, and the signer hashes that plan's output as it streams.
    public func stamp(_ file: MediaFile) throws -> StampedFile {
        var warnings = file.contents.warnings
        var packet: XMPPacket
        if let xmp = file.contents.xmp {
            do {
                packet = try XMPPacket(parsing: xmp, extended: file.contents.extendedXMP)
            } catch let error as MediaError {
                // An unreadable packet cannot be merged into; replacing it loses the owner's properties,
                // so refuse rather than damage them.
                throw MediaError.make(error.code, "the file's XMP cannot be merged into: \(error.reason)")
            }
        } else {
            packet = XMPPacket()
        }
        // The content is the compressed image data: the ID stays when only metadata changes.
        var label = try makeLabel(existing: packet) { try Self.derivedContentID(of: file) }
        var layers = ["iptc", "tc260", "ailabel-xmp"]

        var source = file.source
        var contents = file.contents
        var reencoded = false
        let handler = file.handler
        var markers = self.markers
        if contents.audioCoding != nil && !handler.declaration.carries.contains(.videoFrames) {
            // Audio is marked by ear and by its own watermark; pixel marks have nothing to draw on.
            let watermark = markers.contains { $0.name == "watermark" }
            markers.removeAll()
            if audible != nil || watermark {
                let marked = try AudioMarker.mark(file, audible: audible, watermark: watermark, label: &label)
                if let bytes = marked.bytes {
                    source = bytes
                    contents = try handler.parse(bytes)
                    reencoded = true
                }
                layers += marked.applied
                warnings += marked.notApplied
                // Recorded, so a re-stamp asked for the same leaves the file alone (audio too short for the watermark).
                if watermark && !marked.applied.contains("watermark") { label.marksNotApplied = ["watermark"] }
            }
        } else if audible != nil && contents.movieCoding == nil {
            warnings.append("audible mark not applied: ailabel inserts it into WAV, FLAC, MP3, MP4, MOV and M4A only")
        }
        let marksFrames = !markers.isEmpty && handler.declaration.carries.contains(.videoFrames) && file.contents.width > 0
        let marksMovieSound = audible != nil && contents.movieCoding != nil
        if marksFrames || marksMovieSound {
            // Video and movie sound: frames are marked one at a time, and the sound track with the audible
            // cue put in, into a new file (one pass), which becomes the source.
            let marked = try applyMovieMarks(to: file, markers: marksFrames ? markers : [], label: &label)
            if let bytes = marked.source {
                source = bytes
                contents = try handler.parse(bytes)
                reencoded = true
            }
            layers += marked.applied
            warnings += marked.notApplied
            if marksFrames { label.marksNotApplied = markers.map(\.name).filter { !marked.applied.contains($0) } }
        }
        if !markers.isEmpty && handler.declaration.carries.contains(.videoFrames) && file.contents.width == 0 {
            // An MP4 of sound alone: there is no picture to mark.
            warnings += markers.map { "\($0.name) mark not applied: the file has no video track" }
        } else if marksFrames {
            // Marked above, with the sound track.
        } else if !markers.isEmpty && !handler.declaration.carries.contains(.pixels) {
            // A mark ailabel cannot draw in this format is said for this file, never claimed as a layer.
            warnings += markers.map { "\($0.name) mark not applied: ailabel has no pixel codec for \(handler.declaration.displayName) yet" }
        } else if !markers.isEmpty {
            let marked = try applyMarkers(to: file, label: &label)
            // Pixels are re-encoded only when a mark went in; a mark that could not be is a warning.
            if !marked.applied.isEmpty, let bytes = marked.bytes {
                // The re-encoded file is a new source, parsed once for the metadata edit below.
                source = bytes
                contents = try handler.parse(bytes)
                reencoded = true
            }
            layers += marked.applied
            warnings += marked.notApplied
            // Recorded, so that a retried or repeated stamp with the same marks sees the same outcome and
            // leaves the file as it is, rather than trying again (and drawing a badge twice).
            label.marksNotApplied = markers.map(\.name).filter { !marked.applied.contains($0) }
        }

        XMPLabel(label).write(into: &packet)
        var edit = MetadataEdit()
        edit.xmp = .replace(packet.serialized())
        if handler.declaration.carries.contains(.exif),
            let exif = try? EXIFMetadata.addingMissing(EXIFLabel.values(for: label), to: contents.exif) {
            edit.exif = .replace(exif)
            layers.append("exif")
        } else if contents.exif != nil, (try? EXIFMetadata(tiff: contents.exif!))?.tag(EXIFTag.makerNote) != nil {
            warnings.append("EXIF left unchanged: it holds a MakerNote whose offsets a rewrite would break")
        }
        if handler.declaration.carries.contains(.aigcTextField) {
            // Audio tools read the label from the container's own field (RIFF AIGC, ID3 TXXX:AIGC, Vorbis
            // comment AIGC): the same label goes there and in XMP, replacing any other there.
            let json = AIGCLabel(label).json
            edit.setTextEntries = [TextEntry(keyword: AIGCLabel.textKeyword, text: json)]
            if contents.textEntries.contains(where: { $0.keyword == AIGCLabel.textKeyword && $0.text != json }) {
                warnings.append("replaced the \(handler.declaration.displayName) AIGC label another tool wrote by ailabel's (one implicit label per file)")
            }
        } else if contents.textEntries.contains(where: { $0.keyword == AIGCLabel.textKeyword }) {
            // GB 45438 allows one implicit label per file: the XMP one supersedes a loose AIGC text field.
            edit.removeTextKeywords = [AIGCLabel.textKeyword]
            warnings.append("replaced a \(handler.declaration.displayName) AIGC text chunk by the TC260 label in XMP (one implicit label per file)")
        }
        if contents.comments.contains(where: AIGCLabel.isLabelComment) {
            // Likewise a TC260 label another tool put in a comment.
            edit.comments = contents.comments.filter { !AIGCLabel.isLabelComment($0) }
            warnings.append("replaced a \(handler.declaration.displayName) comment holding an AIGC label by the TC260 label in XMP (one implicit label per file)")
        }
        let plan: SplicePlan
        if let signer {
            plan = try signer.sign(source, contents: contents, handler: handler, edit: edit, label: label)
            layers.append("c2pa")
        } else {
            plan = try handler.planRewrite(of: source, contents: contents, applying: edit)
            warnings.append("no signer configured: no signed C2PA manifest was added")
        }
        return StampedFile(
            plan: plan, source: source, label: label, layers: layers, warnings: warnings, pixelsReencoded: reencoded)
    }

    /// The content ID derived from a file's compressed image data (the whole file when it has none),
    /// hashed as it streams.
    static func derivedContentID(of file: MediaFile) throws -> String {
        let ranges = file.contents.imageDataRanges
        return try ContentID.derived(from: file.source, ranges: ranges.isEmpty ? [0..<file.source.count] : ranges)
    }

    /// The label a file already carries when it is exactly the one this stamper would write, with every
    /// requested mark recorded and, with a signer, a C2PA store present: re-stamping it would only mark
    /// pixels a second time. A request without `--time` matches whatever creation time the file holds.
    func alreadyStamped(_ file: MediaFile) throws -> DisclosureLabel? {
        guard let xmp = file.contents.xmp, let packet = try? XMPPacket(parsing: xmp, extended: file.contents.extendedXMP) else { return nil }
        let existing = XMPLabel(reading: packet)
        guard let existingCreated = existing.record.created, existing.record.labelID != nil else { return nil }
        var label = try makeLabel(existing: packet) { try Self.derivedContentID(of: file) }
        if request.created == nil { label.created = existingCreated }
        guard existing.withoutMarks == XMPLabel(label).withoutMarks else { return nil }
        // Marks a format cannot carry (no pixel codec) are never recorded, so they are not waited for; nor
        // is a watermark in an image too small to hold one (it would be refused again on every retry).
        let tooSmallForWatermark = min(file.contents.width, file.contents.height) < WatermarkMarker.minimumSide
        let carries = file.handler.declaration.carries
        for marker in markers where carries.contains(.pixels) || carries.contains(.videoFrames) {
            // A mark asked for before and recorded as not applied: asking again gives the same answer.
            if existing.record.marksNotApplied.contains(marker.name) { continue }
            switch marker.name {
            case "visible": guard existing.record.visibleLabel != nil else { return nil }
            case "watermark": guard existing.record.watermark == label.labelID || tooSmallForWatermark else { return nil }
            default: return nil
            }
        }
        if let coding = file.contents.audioCoding, !carries.contains(.videoFrames) {
            if audible != nil && existing.record.audibleLabel == nil { return nil }
            if markers.contains(where: { $0.name == "watermark" }), existing.record.watermark != label.labelID,
                !existing.record.marksNotApplied.contains("watermark"), (coding.durationSeconds ?? .infinity) >= AudioWatermarker.minimumDuration {
                return nil
            }
        }
        if file.contents.movieCoding != nil && audible != nil && existing.record.audibleLabel == nil { return nil }
        if signer != nil && file.contents.c2paStore == nil { return nil }
        return label
    }

    /// - Parameter derivedContentID: the content ID when neither the request nor the file has one.
    func makeLabel(existing packet: XMPPacket, derivedContentID: String) throws -> DisclosureLabel {
        try makeLabel(existing: packet) { derivedContentID }
    }

    /// - Parameter derivedContentID: computes the content ID when neither the request nor the file has
    ///   one (only then: it hashes the image data).
    func makeLabel(existing packet: XMPPacket, derivedContentID: () throws -> String) throws -> DisclosureLabel {
        let contentID = try request.contentID ?? XMPLabel(reading: packet).contentID ?? derivedContentID()
        let created = request.created ?? ISO8601DateFormatter().string(from: Date())
        var label = DisclosureLabel(
            digitalSourceType: request.sourceType, aiSystem: request.aiSystem, aiSystemVersion: request.aiSystemVersion,
            producerName: request.producerName, producerID: request.producerID, contentID: contentID, created: created,
            isDeepfake: request.isDeepfake, prompt: request.prompt, propagatorID: request.propagatorID,
            propagateID: request.propagateID, profile: request.profile)
        let (texts, missing) = DisclosureTexts.texts(kind: DisclosureTexts.kind(for: label), languages: request.languages, overrides: request.textOverrides)
        guard missing.isEmpty else {
            throw MediaError.make(.invalidArgument, "no disclosure text for language(s) \(missing.joined(separator: ", ")); give one with --text LANG=TEXT")
        }
        label.texts = texts
        return label
    }

    /// Marks every frame (a still image is one), re-encodes, and reads each mark back from the
    /// re-encoded file: a mark the encode lost is dropped and said, never claimed. The one step that
    /// reads the file whole (decoding pixels needs all of them); returns the re-encoded file when a
    /// mark went in.
    private func applyMarkers(to file: MediaFile, label: inout DisclosureLabel) throws -> (bytes: [UInt8]?, applied: [String], notApplied: [String]) {
        let original: [RGBImage]
        do {
            original = try file.handler.decodeFrames(file.readAll(), maxPixels: PixelCodec.defaultMaximumPixels)
        } catch let error as MediaError where error.code == .unsupportedFormat {
            // A file the codec cannot mark (an animated JPEG XL) keeps its pixels; each mark is a warning.
            return (nil, [], markers.map { "\($0.name) mark not applied: \(error.reason)" })
        }
        let unmarkedLabel = label
        var notApplied: [String] = []
        var lost: Set<String> = []
        while true {
            var frames = original
            var attempt = unmarkedLabel
            var applied: [String] = []
            for marker in markers where !lost.contains(marker.name) {
                do {
                    var marked = frames
                    // The label records the mark as drawn on the first frame, the one verify reads (the
                    // pages of a TIFF may differ in size, and so the badge's place on each).
                    for index in marked.indices {
                        var scratch = attempt
                        marked[index] = index == 0 ? try marker.mark(marked[index], label: &attempt) : try marker.mark(marked[index], label: &scratch)
                    }
                    frames = marked
                    applied.append(marker.name)
                } catch let error as MarkNotApplied {
                    if !notApplied.contains(error.reason) { notApplied.append(error.reason) }
                }
            }
            guard !applied.isEmpty else { return (nil, [], notApplied) }
            let bytes = try PixelReencoder.reencode(frames, like: file)
            // Every frame is read back: each frame of a lossy animation is compressed on its own.
            let reread = try file.handler.decodeFrames(bytes, maxPixels: PixelCodec.defaultMaximumPixels)
            let dropped = markers.filter { marker in
                applied.contains(marker.name) && (reread.count != frames.count || !reread.allSatisfy { marker.survives(in: $0, label: attempt) })
            }
            guard !dropped.isEmpty else {
                label = attempt
                return (bytes, applied, notApplied)
            }
            for marker in dropped {
                lost.insert(marker.name)
                notApplied.append(
                    "no \(marker.name) mark: it could not be read back after re-encoding as \(file.handler.declaration.displayName)")
            }
        }
    }

    /// Marks a movie into a temporary file (unlinked once open: the plan reads it through its descriptor,
    /// and nothing is left behind): its frames with `markers` (decoded, marked, re-encoded) and its sound
    /// with the audible cue (a new AAC track in place of the old; with no frame marks the video packets are
    /// copied untouched). Nil source when nothing went in.
    private func applyMovieMarks(
        to file: MediaFile, markers: [any PixelMarker], label: inout DisclosureLabel
    ) throws -> (source: FileByteSource?, applied: [String], notApplied: [String]) {
        let extensionPart = (file.path as NSString).pathExtension
        let temporary = NSTemporaryDirectory() + "/ailabel-video-\(UUID().uuidString)" + (extensionPart.isEmpty ? ".mp4" : "." + extensionPart)
        let soundPath = NSTemporaryDirectory() + "/ailabel-sound-\(UUID().uuidString).m4a"
        defer {
            unlink(temporary)
            unlink(soundPath)
        }
        var applied: [String] = [], notApplied: [String] = []
        do {
            var soundTrack: VideoCodec.SoundTrack?
            if let audible {
                let made = try MovieSoundTrack(request: audible).write(for: file, to: soundPath, label: &label)
                soundTrack = made.track
                notApplied += made.notes
            }
            if !markers.isEmpty {
                let marking = VideoMarking(markers: markers, span: videoSpan, settings: videoSettings)
                let outcome = try marking.mark(input: file.movieInput, output: temporary, soundTrack: soundTrack, label: &label)
                applied = outcome.applied
                notApplied += outcome.notApplied
            } else if let soundTrack {
                try VideoCodec.remux(input: file.movieInput, output: temporary, soundTrack: soundTrack)
            }
            if soundTrack != nil { applied.append("audible") }
        } catch let error as MediaError {
            throw error.path == nil ? error.naming(file.path) : error
        }
        guard !applied.isEmpty else { return (nil, [], notApplied) }
        return (try FileByteSource(path: temporary), applied, notApplied)
    }

    /// Checks the guarantee that metadata edits never touch compressed image data, on the planned output:
    /// its image data, found by the handler's structural pass over the output read through the plan,
    /// must be copied by the plan from exactly the original's image data ranges (so no byte is compared:
    /// the plan says where each byte comes from).
    private func imageDataIdentical(original: MediaFile, stamped: StampedFile) throws -> Bool {
        guard !stamped.pixelsReencoded else { return false }
        let output = stamped.plan.output(over: stamped.source)
        // Sniffed through the source: a FLAC's prepended ID3v2 tag is judged by what follows it.
        guard let handler = try registry.handler(sniffing: output) else { return false }
        let outputRanges = try handler.imageDataRanges(in: output)
        let originalRanges = original.contents.imageDataRanges
        guard outputRanges.count == originalRanges.count else { return false }
        return zip(outputRanges, originalRanges).allSatisfy { out, source in
            out.count == source.count && stamped.plan.sourceRange(of: out) == source
        }
    }
}

/// Where stamped files go.
enum OutputLocation {
    /// Creates the folder an output path lives in (for `--out` mirroring).
    static func createParent(of path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true)
    }
}

/// Encodes marked pixels back into the original's format and coding, carrying its metadata across.
public enum PixelReencoder {
    public static func reencode(_ image: RGBImage, like file: MediaFile) throws -> [UInt8] {
        try reencode([image], like: file)
    }

    /// Encodes the frames of an animation (one for a still image) in the original's coding.
    public static func reencode(_ frames: [RGBImage], like file: MediaFile) throws -> [UInt8] {
        var (encoded, edit) = try file.handler.encodeFrames(frames, like: file.contents, in: file.source)
        if let exif = file.contents.exif { edit.exif = .replace(exif) }
        if let xmp = file.contents.xmp { edit.xmp = .replace(xmp) }
        if let icc = file.contents.icc { edit.icc = .replace(icc) }
        return try file.handler.rewrite(encoded, applying: edit).bytes
    }
}
