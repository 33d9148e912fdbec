extension MediaFormat {
    public static let jpeg = MediaFormat(rawValue: "jpeg")
}

extension JPEGHandler {
    static let declaration = FormatDeclaration(
        format: .jpeg, displayName: "JPEG",
        signatures: [MagicSignature([0xFF, 0xD8, 0xFF])],
        extensions: ["jpg", "jpeg", "jpe", "jfif"],
        mimeTypes: ["image/jpeg"],
        carries: [.xmp, .c2paStore, .exif, .icc, .comments, .iptc, .pixels],
        c2paBindings: [.dataHash, .boxHash])
}
