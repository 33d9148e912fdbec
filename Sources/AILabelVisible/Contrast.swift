#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// WCAG 2.x relative luminance and contrast ratio.
enum Contrast {
    /// sRGB channel (0 … 255) to linear light, by the WCAG formula.
    static func linear(_ channel: Double) -> Double {
        let value = channel / 255
        return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
    }

    /// `linear` for every 8-bit value.
    static let linearTable: [Double] = (0...255).map { linear(Double($0)) }

    static func luminance(red: Double, green: Double, blue: Double) -> Double {
        0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Luminance of an 8-bit colour, through the table.
    static func luminance(_ red: Int, _ green: Int, _ blue: Int) -> Double {
        0.2126 * linearTable[red] + 0.7152 * linearTable[green] + 0.0722 * linearTable[blue]
    }

    /// (L1 + 0.05) / (L2 + 0.05) with L1 the lighter of the two.
    static func ratio(_ first: Double, _ second: Double) -> Double {
        (max(first, second) + 0.05) / (min(first, second) + 0.05)
    }
}
