extension MediaFormat {
    public static let png = MediaFormat(rawValue: "png")
}

enum PNGSignature {
    static let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
}

extension PNGHandler {
    static let declaration = FormatDeclaration(
        format: .png, displayName: "PNG",
        signatures: [MagicSignature(PNGSignature.bytes)],
        extensions: ["png"],
        mimeTypes: ["image/png"],
        carries: [.xmp, .c2paStore, .exif, .icc, .textFields, .pixels],
        c2paBindings: [.dataHash, .boxHash])
}
