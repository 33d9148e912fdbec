import AILabelMedia

/// The label's EXIF layer, for readers that never look at XMP: only absent tags are written (see
/// Docs/formats.md for why these two).
public enum EXIFLabel {
    public static func values(for label: DisclosureLabel) -> [EXIFMetadata.ASCIIValue] {
        let english = label.texts.first { $0.language == "en" }?.text ?? "Created with AI"
        var values = [
            EXIFMetadata.ASCIIValue(
                directory: .ifd0, tag: EXIFTag.imageDescription, value: "\(english) (IPTC digital source type: \(label.digitalSourceType.term))")
        ]
        if let system = label.aiSystem {
            values.append(EXIFMetadata.ASCIIValue(directory: .ifd0, tag: EXIFTag.software, value: [system, label.aiSystemVersion].compactMap { $0 }.joined(separator: " ")))
        }
        return values
    }
}
