/// The Y'CbCr ↔ R'G'B' conversion of a video stream: BT.709 or BT.601 coefficients, video or full range.
public struct VideoColor: Sendable, Hashable {
    /// Luma weights of red and blue.
    public let kr: Double
    public let kb: Double
    public let isFullRange: Bool

    /// From the stream's colour description (AVColorSpace numbering: 1 BT.709; 5, 6 BT.601; 9, 10 BT.2020):
    /// unspecified means BT.709 for HD (height ≥ 720) and BT.601 below, as players assume.
    public init(colorSpace: Int, height: Int, isFullRange: Bool) {
        switch colorSpace {
        case 1: (kr, kb) = (0.2126, 0.0722)
        case 5, 6: (kr, kb) = (0.299, 0.114)
        case 9, 10: (kr, kb) = (0.2627, 0.0593)
        default: (kr, kb) = height >= 720 ? (0.2126, 0.0722) : (0.299, 0.114)
        }
        self.isFullRange = isFullRange
    }

    /// 8-bit Y', Cb, Cr of an 8-bit R'G'B' colour.
    public func ycbcr(red: UInt8, green: UInt8, blue: UInt8) -> (y: UInt8, cb: UInt8, cr: UInt8) {
        let r = Double(red) / 255, g = Double(green) / 255, b = Double(blue) / 255
        let y = kr * r + (1 - kr - kb) * g + kb * b
        let cb = (b - y) / (2 * (1 - kb))
        let cr = (r - y) / (2 * (1 - kr))
        func clamp(_ v: Double) -> UInt8 { UInt8(min(max(v.rounded(), 0), 255)) }
        if isFullRange { return (clamp(y * 255), clamp(128 + cb * 255), clamp(128 + cr * 255)) }
        return (clamp(16 + y * 219), clamp(128 + cb * 224), clamp(128 + cr * 224))
    }

    /// 8-bit R'G'B' of 8-bit Y', Cb, Cr.
    public func rgb(y: UInt8, cb: UInt8, cr: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let luma: Double, pb: Double, pr: Double
        if isFullRange {
            luma = Double(y) / 255
            pb = (Double(cb) - 128) / 255
            pr = (Double(cr) - 128) / 255
        } else {
            luma = (Double(y) - 16) / 219
            pb = (Double(cb) - 128) / 224
            pr = (Double(cr) - 128) / 224
        }
        let r = luma + 2 * (1 - kr) * pr
        let b = luma + 2 * (1 - kb) * pb
        let g = (luma - kr * r - kb * b) / (1 - kr - kb)
        func clamp(_ v: Double) -> UInt8 { UInt8(min(max((v * 255).rounded(), 0), 255)) }
        return (clamp(r), clamp(g), clamp(b))
    }
}
