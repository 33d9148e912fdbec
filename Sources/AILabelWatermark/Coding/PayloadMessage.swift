/// The message every ailabel mark carries, in pixels and in sound alike: the 64-bit payload and its
/// CRC-24, XORed with the layout's whitening (so a payload of zeros does not make a constant
/// codeword), then convolutionally coded. Only the whitening differs between marks.
enum PayloadMessage {
    /// The coded bits (0 or 1) for `payload`.
    static func codeword(for payload: UInt64, whitening: [UInt8]) -> [UInt8] {
        let crc = CRC24.checksum(payload)
        var message = [UInt8]()
        message.reserveCapacity(AILabelWatermarker.messageBits)
        for bit in 0..<64 { message.append(UInt8((payload >> UInt64(63 - bit)) & 1)) }
        for bit in 0..<24 { message.append(UInt8((crc >> UInt32(23 - bit)) & 1)) }
        for index in message.indices { message[index] ^= whitening[index] }
        return ConvolutionalCode.encode(message)
    }

    /// The payload soft-decision decoding reads from `soft` (a positive value favours coded bit 0), and
    /// whether its CRC-24 checks out. With more than one of `paths`, the decoder's next most likely
    /// messages are tried in turn when the most likely one fails its CRC; the first that checks out is
    /// the answer (each try is another 2⁻²⁴ chance for unmarked content to pass). Without one, the most
    /// likely message is returned, unchecked.
    static func decode(soft: [Float], whitening: [UInt8], paths: Int = 1) -> (payload: UInt64, checks: Bool) {
        let messages = ConvolutionalCode.decode(soft: soft, messageBits: AILabelWatermarker.messageBits, paths: paths)
        // Checked one at a time, most likely first: the first that checks out ends the search; when none
        // does, the most likely one is the answer.
        let best = message(of: messages[0], whitening: whitening)
        guard !best.checks else { return best }
        return messages.dropFirst().lazy.map { message(of: $0, whitening: whitening) }.first { $0.checks } ?? best
    }

    private static func message(of bits: [UInt8], whitening: [UInt8]) -> (payload: UInt64, checks: Bool) {
        var message = bits
        for index in message.indices { message[index] ^= whitening[index] }
        var payload: UInt64 = 0
        for bit in 0..<64 { payload = (payload << 1) | UInt64(message[bit]) }
        var crc: UInt32 = 0
        for bit in 64..<88 { crc = (crc << 1) | UInt32(message[bit]) }
        return (payload, crc == CRC24.checksum(payload))
    }
}
