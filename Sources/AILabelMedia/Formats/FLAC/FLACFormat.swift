extension MediaFormat {
    public static let flac = MediaFormat(rawValue: "flac")
}

extension FLACHandler {
    static let declaration = FormatDeclaration(
        format: .flac, displayName: "FLAC",
        signatures: [MagicSignature(ascii: "fLaC")],
        extensions: ["flac"],
        mimeTypes: ["audio/flac", "audio/x-flac"],
        carries: [.xmp, .c2paStore, .textFields, .aigcTextField],
        c2paBindings: [.dataHash],
        signaturesAfterID3v2: [MagicSignature(ascii: "fLaC")])
}
