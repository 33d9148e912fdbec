import Foundation
import AILabelKit
import AILabelMedia

/// TC260 AIGC labels other tools put outside XMP: PNG tEXt/zTXt/iTXt `AIGC` chunks, a WAV `AIGC`
/// chunk, an ID3 `TXXX:AIGC` frame, a FLAC Vorbis comment `AIGC`, and EXIF UserComment holding
/// `{"AIGC":{…}}`.
public struct EmbeddedLabelCollector: EvidenceCollector {
    public var name: String { "embedded-aigc" }
    public var needsPixels: Bool { false }

    public init() {}

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        for entry in subject.file.contents.textEntries where entry.keyword == "AIGC" {
            let location = "\(subject.file.handler.declaration.displayName) \(entry.chunk.rawValue) AIGC"
            let parsed = AIGCLabel.parse(entry.text)
            observations.aigcLabels.append((location: location, parsed: parsed))
            recordAIGC(parsed, location: location, into: &observations)
        }
        if let problem = subject.exifProblem {
            observations.addFinding("exif.unreadable", .warning, "The EXIF block cannot be parsed: \(problem)")
        }
        if let comment = subject.exif?.userComment, comment.contains("AIGC") || comment.contains("\"Label\"") {
            let start = comment.firstIndex(of: "{") ?? comment.startIndex
            let parsed = AIGCLabel.parse(String(comment[start...]))
            if parsed.label != nil || comment.contains("AIGC") {
                observations.aigcLabels.append((location: "EXIF UserComment", parsed: parsed))
                recordAIGC(parsed, location: "EXIF UserComment", evidenceSource: "exif", into: &observations)
            }
        }
    }
}
