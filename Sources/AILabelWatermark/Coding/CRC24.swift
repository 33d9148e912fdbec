/// CRC-24 (the OpenPGP polynomial 0x864CFB with initial value 0xB704CE) over a 64-bit payload, MSB first.
///
/// The non-zero initial value means an all-zero message does not carry an all-zero checksum.
enum CRC24 {
    static func checksum(_ payload: UInt64) -> UInt32 {
        var crc: UInt32 = 0xB7_04CE
        for byteIndex in 0..<8 {
            let byte = UInt32((payload >> UInt64(56 - 8 * byteIndex)) & 0xFF)
            crc ^= byte << 16
            for _ in 0..<8 {
                crc <<= 1
                if crc & 0x100_0000 != 0 { crc ^= 0x86_4CFB }
            }
        }
        return crc & 0xFF_FFFF
    }
}
