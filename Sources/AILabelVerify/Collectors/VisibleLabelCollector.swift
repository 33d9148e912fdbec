import AILabelMedia
import AILabelVisible
import AILabelVocabulary
import Foundation

/// Checks that a declared visible badge is still in its declared region: cropped off or painted over
/// makes the visible disclosure broken.
public struct VisibleLabelCollector: EvidenceCollector {
    public var name: String { "visible" }
    public var needsPixels: Bool { true }

    public init() {}

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        guard let pixels, let declared = observations.declaredVisibleLabel else { return }
        let detail = "visible badge \(declared.variant) at \(declared.x),\(declared.y) \(declared.width)×\(declared.height)"
        guard let json = declared.recordJSON,
            let record = try? JSONDecoder().decode(BadgeRecord.self, from: Data(json.utf8))
        else {
            // A badge declared without its record (another tool, or a hand edit) can only be checked for its region.
            // Subtraction, not addition: hostile region values must not overflow.
            let inside = declared.x >= 0 && declared.y >= 0 && declared.width >= 0 && declared.height >= 0
                && declared.x <= pixels.width && declared.width <= pixels.width - declared.x
                && declared.y <= pixels.height && declared.height <= pixels.height - declared.y
            observations.disclosures.append(Disclosure(kind: .visible, detail: detail, intact: inside, languages: declared.languages))
            if !inside { observations.addFinding(.visibleCropped, .error, "The declared visible badge lies outside the image (cropped off).") }
            return
        }
        let labeler: VisibleLabeler
        do {
            // The recorded fonts first; the installed defaults when this machine lacks them.
            labeler = try VisibleLabeler.forVerifying(record)
        } catch {
            observations.disclosures.append(Disclosure(kind: .visible, detail: detail + " (not checked: fonts unavailable)", intact: true, languages: declared.languages))
            observations.addFinding(.visibleUnchecked, .warning, "The badge could not be re-rendered to check it: \(error)")
            return
        }
        let check = labeler.badgePresent(in: pixels, record: record)
        let intact = check.status == .present
        observations.disclosures.append(Disclosure(kind: .visible, detail: detail, intact: intact, languages: declared.languages))
        if !intact {
            // An image no longer the size the badge was drawn on was cropped or resized.
            let resized = record.imageWidth != pixels.width || record.imageHeight != pixels.height
            let code: FindingCode = check.status == .regionOutsideImage || resized ? .visibleCropped : .visibleAltered
            observations.addFinding(code, .error, "The declared visible badge is no longer there: \(check.detail)")
        }
    }
}
