internal import CAILabelShims

/// Speech from text, offline, with espeak-ng's library (the C in `CAILabelShims/speech_synth.c`):
/// the spoken audible disclosure. espeak-ng is deterministic, so verify can synthesise the same
/// sentence again and look for it.
public enum SpeechSynthesizer {
    /// espeak-ng's voice for a label language (BCP 47 primary subtag), nil when it has none.
    public static func voice(for language: String) -> String? {
        switch language.lowercased().split(separator: "-").first.map(String.init) ?? "" {
        case "kk": "kk"
        case "ru": "ru"
        case "en": "en"
        case "zh", "cmn": "cmn"
        case "de": "de"
        case "fr": "fr"
        case "es": "es"
        case "it": "it"
        case "uz": "uz"
        case "ky": "ky"
        default: nil
        }
    }

    /// The longest speech synthesised, in samples at espeak's 22050 Hz (two minutes).
    static let maximumSamples = 22_050 * 120

    /// Speaks `text` in `language` at `wordsPerMinute`: mono at espeak-ng's rate.
    public static func speak(_ text: String, language: String, wordsPerMinute: Int = 160) throws -> AudioSamples {
        guard let voice = voice(for: language) else {
            throw MediaError.make(.invalidArgument, "espeak-ng has no voice for language \(language)")
        }
        var samples: UnsafeMutablePointer<Int16>?
        var count: UInt64 = 0
        var rate: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { errbuf in
            CAILabel_speech_synthesize(text, voice, Int32(wordsPerMinute), UInt64(maximumSamples), &samples, &count, &rate, errbuf.baseAddress, errbuf.count)
        }
        defer { CAILabel_free(samples) }
        try AudioCodec.check(status, message)
        guard let samples, count > 0, rate > 0 else { throw MediaError.make(.libraryFailure, "espeak-ng produced no speech for language \(language)") }
        let values = UnsafeBufferPointer(start: samples, count: Int(count)).map { Float($0) / 32768 }
        return AudioSamples(sampleRate: Int(rate), channels: 1, samples: values)
    }
}
