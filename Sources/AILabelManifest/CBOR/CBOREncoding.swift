extension CBOR {
    /// The encoding of this item: shortest-form heads, definite lengths, and (when `deterministic`)
    /// map keys sorted by their encoded bytes, as RFC 8949 §4.2.1 "core deterministic encoding" asks.
    /// Floats are written in the shortest of half, single or double precision that keeps the value.
    public func encoded(deterministic: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        encode(into: &out, deterministic: deterministic)
        return out
    }

    /// Appends the encoding of this item.
    public func encode(into out: inout [UInt8], deterministic: Bool = true) {
        switch self {
        case .unsigned(let value): CBOR.appendHead(major: 0, value, to: &out)
        case .negative(let value): CBOR.appendHead(major: 1, value, to: &out)
        case .bytes(let value):
            CBOR.appendHead(major: 2, UInt64(value.count), to: &out)
            out.append(contentsOf: value)
        case .text(let value):
            let utf8 = Array(value.utf8)
            CBOR.appendHead(major: 3, UInt64(utf8.count), to: &out)
            out.append(contentsOf: utf8)
        case .array(let items):
            CBOR.appendHead(major: 4, UInt64(items.count), to: &out)
            for item in items { item.encode(into: &out, deterministic: deterministic) }
        case .map(let entries):
            CBOR.appendHead(major: 5, UInt64(entries.count), to: &out)
            if deterministic {
                let encodedEntries = entries.map {
                    (key: $0.key.encoded(deterministic: true), value: $0.value)
                }
                let sorted = encodedEntries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
                for entry in sorted {
                    out.append(contentsOf: entry.key)
                    entry.value.encode(into: &out, deterministic: true)
                }
            } else {
                for entry in entries {
                    entry.key.encode(into: &out, deterministic: false)
                    entry.value.encode(into: &out, deterministic: false)
                }
            }
        case .tagged(let tag, let item):
            CBOR.appendHead(major: 6, tag, to: &out)
            item.encode(into: &out, deterministic: deterministic)
        case .bool(let value): out.append(value ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        case .undefined: out.append(0xF7)
        case .simple(let value):
            if value < 24 {
                out.append(0xE0 | value)
            } else {
                out.append(0xF8)
                out.append(value)
            }
        case .float(let value): CBOR.appendFloat(value, to: &out)
        }
    }

    static func appendHead(major: UInt8, _ value: UInt64, to out: inout [UInt8]) {
        let high = major << 5
        switch value {
        case 0..<24:
            out.append(high | UInt8(value))
        case 24...0xFF:
            out.append(high | 24)
            out.append(UInt8(value))
        case 0x100...0xFFFF:
            out.append(high | 25)
            out.append(UInt8(value >> 8))
            out.append(UInt8(value & 0xFF))
        case 0x1_0000...0xFFFF_FFFF:
            out.append(high | 26)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        default:
            out.append(high | 27)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        }
    }

    private static func appendFloat(_ value: Double, to out: inout [UInt8]) {
        if let half = halfBits(exactly: value) {
            out.append(0xF9)
            out.append(UInt8(half >> 8))
            out.append(UInt8(half & 0xFF))
            return
        }
        let single = Float(value)
        if Double(single) == value || (value.isNaN && single.isNaN) {
            let bits = single.bitPattern
            out.append(0xFA)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8((bits >> UInt32(shift)) & 0xFF)) }
            return
        }
        let bits = value.bitPattern
        out.append(0xFB)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
    }

    /// The IEEE 754 half-precision bits of `value` when the conversion is exact.
    private static func halfBits(exactly value: Double) -> UInt16? {
        if value.isNaN { return 0x7E00 }
        if value.isInfinite { return value < 0 ? 0xFC00 : 0x7C00 }
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        if value == 0 { return sign }
        let magnitude = abs(value)
        let exponent = magnitude.exponent
        if exponent >= -14 && exponent <= 15 {
            // Normal half: 10 fraction bits.
            let scaled = magnitude / Double(sign: .plus, exponent: exponent, significand: 1) - 1
            let fraction = scaled * 1024
            guard fraction == fraction.rounded(.towardZero) else { return nil }
            return sign | UInt16(exponent + 15) << 10 | UInt16(fraction)
        }
        if exponent < -14 && exponent >= -24 {
            // Subnormal half: value = fraction * 2^-24.
            let fraction = magnitude * 16_777_216
            guard fraction == fraction.rounded(.towardZero), fraction < 1024 else { return nil }
            return sign | UInt16(fraction)
        }
        return nil
    }

    static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
