import AILabelVocabulary
import Foundation
import AILabelMedia

/// TC260 AIGC labels other tools put outside XMP: PNG tEXt/zTXt/iTXt `AIGC` chunks, a WAV `AIGC`
/// chunk, an ID3 `TXXX:AIGC` frame, a FLAC Vorbis comment `AIGC`, comments (GIF comment extensions,
/// JPEG COM) holding `AIGC{…}` or `{"AIGC":{…}}`, and EXIF UserComment or ImageDescription (a TIFF's
/// own IFD0 tag) holding `{"AIGC":{…}}`.
public struct EmbeddedLabelCollector: EvidenceCollector {
    public var name: String { "embedded-aigc" }
    public var needsPixels: Bool { false }

    public init() {}

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        let found = EmbeddedAIGC.find(in: subject.file.contents, exif: subject.exif)
        for label in found where label.carrier == .textChunk || label.carrier == .comment {
            observations.aigcLabels.append((location: label.location, parsed: label.parsed))
            recordAIGC(label.parsed, location: label.location, into: &observations)
        }
        if let problem = subject.exifProblem {
            observations.addFinding(.exifUnreadable, .warning, "The EXIF block cannot be parsed: \(problem)")
        }
        for label in found where label.carrier == .exifUserComment || label.carrier == .exifImageDescription {
            observations.aigcLabels.append((location: label.location, parsed: label.parsed))
            recordAIGC(label.parsed, location: label.location, evidenceSource: .exif, into: &observations)
        }
    }
}
