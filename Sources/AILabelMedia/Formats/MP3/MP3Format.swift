extension MediaFormat {
    public static let mp3 = MediaFormat(rawValue: "mp3")
}

extension MP3Handler {
    static let declaration = FormatDeclaration(
        format: .mp3, displayName: "MP3",
        // An ID3v2 tag, or an MPEG-1/2/2.5 Layer III frame header (with and without CRC).
        signatures: [MagicSignature(ascii: "ID3")] + [0xFB, 0xFA, 0xF3, 0xF2, 0xE3, 0xE2].map { MagicSignature([0xFF, $0]) },
        extensions: ["mp3"],
        mimeTypes: ["audio/mpeg", "audio/mp3"],
        carries: [.xmp, .c2paStore, .textFields, .aigcTextField],
        c2paBindings: [.dataHash])
}
