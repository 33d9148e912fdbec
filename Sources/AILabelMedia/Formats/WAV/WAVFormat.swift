extension MediaFormat {
    public static let wav = MediaFormat(rawValue: "wav")
}

extension WAVHandler {
    static let declaration = FormatDeclaration(
        format: .wav, displayName: "WAV",
        signatures: [MagicSignature(ascii: "RIFF????WAVE"), MagicSignature(ascii: "RF64????WAVE"), MagicSignature(ascii: "BW64????WAVE")],
        extensions: ["wav", "wave"],
        mimeTypes: ["audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave"],
        carries: [.xmp, .c2paStore, .textFields, .aigcTextField],
        c2paBindings: [.dataHash])
}
