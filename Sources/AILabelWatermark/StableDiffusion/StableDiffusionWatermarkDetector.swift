public import AILabelMedia
import Foundation

/// Finds the invisible-watermark `dwtDct` marks that Stable Diffusion pipelines embed.
///
/// invisible-watermark converts BGR to YUV (OpenCV: U = 0.492 (B − Y) + 128 for uint8 input, + 0.5 for
/// float input), takes one Haar level of U (cropped to multiples of 4), cuts the LL band into 4×4 blocks
/// row-major, and in block n writes bit n mod L into the largest-magnitude entry among entries 1…15:
/// its magnitude modulo 36 lands at 9 for a 0 and 27 for a 1. The decoder votes per block and takes the
/// majority per bit. This detector recomputes the votes for both channel orders and both input paths,
/// and compares the majority bits with each known payload and its inverse.
///
/// A match needs both: at least the binomial threshold of matching bits, chosen so that the union over
/// all 24 tests (4 variants × 3 payloads × 2 polarities) stays at or below `falseAlarmRate` for an
/// image whose bits are fair coins; and the same significance conditioned on the number of ones decoded
/// (a hypergeometric tail), so that a biased decode (a flat image reads all zeros) cannot pass.
public struct StableDiffusionWatermarkDetector: Sendable {
    public let payloads: [StableDiffusionWatermarkPayload]
    /// The bound on false alarms per image (default 1e-4).
    public let falseAlarmRate: Double

    static let scale: Float = 36
    static let variants: [StableDiffusionWatermarkMatch.Variant] = [
        .init(swappedChannels: false, floatInput: false), .init(swappedChannels: true, floatInput: false),
        .init(swappedChannels: false, floatInput: true), .init(swappedChannels: true, floatInput: true),
    ]

    /// ``threshold(bitCount:)`` of each payload's length: each is a sum of binomial terms (`lgamma`,
    /// `exp`), which detection would otherwise recompute for every variant, payload and polarity. For the
    /// default payloads and rate they are computed once per process (a service makes a detector for every
    /// request), otherwise when the detector is made.
    private let thresholds: [Int: Int]

    private static let defaultThresholds = thresholds(
        for: StableDiffusionWatermarkPayload.all, perTestRate: 1e-4 / Double(variants.count * StableDiffusionWatermarkPayload.all.count * 2))

    private static func thresholds(for payloads: [StableDiffusionWatermarkPayload], perTestRate: Double) -> [Int: Int] {
        var thresholds: [Int: Int] = [:]
        for payload in payloads where thresholds[payload.bitCount] == nil {
            thresholds[payload.bitCount] = threshold(bitCount: payload.bitCount, perTestRate: perTestRate)
        }
        return thresholds
    }

    public init(payloads: [StableDiffusionWatermarkPayload] = StableDiffusionWatermarkPayload.all, falseAlarmRate: Double = 1e-4) {
        self.payloads = payloads
        self.falseAlarmRate = falseAlarmRate
        let perTestRate = falseAlarmRate / Double(Self.variants.count * payloads.count * 2)
        let isDefault = falseAlarmRate == 1e-4 && payloads.map(\.bitCount) == StableDiffusionWatermarkPayload.all.map(\.bitCount)
        thresholds = isDefault ? Self.defaultThresholds : Self.thresholds(for: payloads, perTestRate: perTestRate)
    }

    /// The error budget of one test.
    var perTestRate: Double { falseAlarmRate / Double(Self.variants.count * payloads.count * 2) }

    /// The least number of matching bits out of `bitCount` that an unmarked image reaches with probability
    /// at most the per-test rate.
    public func threshold(bitCount: Int) -> Int {
        thresholds[bitCount] ?? Self.threshold(bitCount: bitCount, perTestRate: perTestRate)
    }

    static func threshold(bitCount: Int, perTestRate: Double) -> Int {
        for k in 0...bitCount where Binomial.upperTail(k, of: bitCount) <= perTestRate { return k }
        return bitCount + 1
    }

    /// The strongest match, or `nil`. invisible-watermark refuses images under 256×256 pixels in area, and so does this.
    public func detect(in image: RGBImage) -> StableDiffusionWatermarkMatch? {
        guard image.width * image.height >= 256 * 256, image.width >= 8, image.height >= 8 else { return nil }
        var best: StableDiffusionWatermarkMatch?
        // One pass over the pixels gives the votes of all four variants (see allVotes).
        let everyVote = Self.allVotes(image)
        for (variantIndex, variant) in Self.variants.enumerated() {
            let votes = everyVote[variantIndex]
            for payload in payloads {
                let decoded = Self.majority(votes, length: payload.bitCount)
                let ones = decoded.reduce(0) { $0 + Int($1) }
                var agree = 0
                for (a, b) in zip(decoded, payload.bits) where a == b { agree += 1 }
                let payloadOnes = payload.bits.reduce(0) { $0 + Int($1) }
                for inverted in [false, true] {
                    let matching = inverted ? payload.bitCount - agree : agree
                    guard matching >= threshold(bitCount: payload.bitCount) else { continue }
                    let weight = inverted ? payload.bitCount - payloadOnes : payloadOnes
                    let conditional = Binomial.hypergeometricMatchTail(
                        matching: matching, length: payload.bitCount, decodedOnes: ones, payloadOnes: weight)
                    guard conditional <= perTestRate else { continue }
                    let tail = Binomial.upperTail(matching, of: payload.bitCount)
                    let match = StableDiffusionWatermarkMatch(
                        payload: payload, variant: variant, matchingBits: matching, isInverted: inverted, binomialTail: tail)
                    if best == nil || tail < best!.binomialTail { best = match }
                }
            }
        }
        return best
    }

    /// 0.492 (B − Y) without its offset, over the rows and columns the blocks cover.
    struct ChromaPlane {
        let values: [Float]
        let width: Int
        let blockRows: Int
        let blockColumns: Int
    }

    static func chroma(_ image: RGBImage, swappedChannels: Bool) -> ChromaPlane {
        let rows = image.height / 4 * 4
        let columns = image.width / 4 * 4
        let blockRows = rows / 2 / 4, blockColumns = columns / 2 / 4
        let uWidth = blockColumns * 8, uHeight = blockRows * 8
        let channels = image.channels
        let (redIndex, blueIndex) = swappedChannels ? (2, 0) : (0, 2)
        var u = [Float](repeating: 0, count: uWidth * uHeight)
        image.pixels.withUnsafeBufferPointer { pixels in
            u.withUnsafeMutableBufferPointer { u in
                for y in 0..<uHeight {
                    var source = y * image.width * channels
                    let target = y * uWidth
                    for x in 0..<uWidth {
                        let r = Float(pixels[source + redIndex]), g = Float(pixels[source + 1]), b = Float(pixels[source + blueIndex])
                        u[target + x] = 0.492 * (b - (0.299 * r + 0.587 * g + 0.114 * b))
                        source += channels
                    }
                }
            }
        }
        return ChromaPlane(values: u, width: uWidth, blockRows: blockRows, blockColumns: blockColumns)
    }

    /// One vote (0 or 1) per 4×4 block of the LL band of U, in invisible-watermark's block order. The uint8
    /// path offsets U by 128 and rounds and clamps it as OpenCV does; the float path offsets it by 0.5.
    static func blockVotes(_ chroma: ChromaPlane, floatInput: Bool) -> [UInt8] {
        let blockRows = chroma.blockRows, blockColumns = chroma.blockColumns
        guard blockRows > 0, blockColumns > 0 else { return [] }
        let uWidth = chroma.width
        var votes = [UInt8](repeating: 0, count: blockRows * blockColumns)
        chroma.values.withUnsafeBufferPointer { u in
            votes.withUnsafeMutableBufferPointer { votes in
                @inline(__always) func sample(_ index: Int) -> Float {
                    if floatInput { return u[index] + 0.5 }
                    let shifted = min(max(u[index] + 128, 0), 255)
                    return Float(Int(shifted + 0.5))
                }
                for blockRow in 0..<blockRows {
                    for blockColumn in 0..<blockColumns {
                        var largest: Float = -1
                        var chosen: Float = 0
                        for k in 1..<16 {
                            let y = (blockRow * 4 + k / 4) * 2, x = (blockColumn * 4 + k % 4) * 2
                            let top = y * uWidth + x, bottom = top + uWidth
                            let value = (sample(top) + sample(top + 1) + sample(bottom) + sample(bottom + 1)) / 2
                            if abs(value) > largest {
                                largest = abs(value)
                                chosen = value
                            }
                        }
                        let residue = abs(chosen).truncatingRemainder(dividingBy: scale)
                        votes[blockRow * blockColumns + blockColumn] = residue > scale / 2 ? 1 : 0
                    }
                }
            }
        }
        return votes
    }

    /// The votes of every variant (in ``variants``' order) from one pass over the pixels, without the
    /// chroma planes: the same arithmetic as ``chroma(_:swappedChannels:)`` followed by
    /// ``blockVotes(_:floatInput:)``, value for value (a test compares them), at a fraction of the cost.
    ///
    /// Two pixel rows at a time: each pixel's U (and the swapped order's) is computed, rounded as the
    /// uint8 path does and offset as the float path does, eight pixels at a time (``Lanes``); each 2×2
    /// group then gives one LL entry per variant; and each 4×4 block of LL entries one vote per variant.
    static func allVotes(_ image: RGBImage) -> [[UInt8]] {
        let rows = image.height / 4 * 4
        let columns = image.width / 4 * 4
        let blockRows = rows / 2 / 4, blockColumns = columns / 2 / 4
        guard blockRows > 0, blockColumns > 0 else { return Array(repeating: [], count: variants.count) }
        precondition(variants.map { [$0.swappedChannels, $0.floatInput] } == [[false, false], [true, false], [false, true], [true, true]])
        let channels = image.channels
        let stride = image.width * channels
        let llWidth = blockColumns * 4
        let uWidth = llWidth * 2
        // Per pixel of one row: R, G, B as floats, then the four variants' samples (rows top and bottom).
        var rgb = [Float](repeating: 0, count: 3 * uWidth)
        var samples = [Float](repeating: 0, count: 8 * uWidth)
        // One block row of each variant's LL band (4 LL rows, 8 pixel rows) at a time, block-major: entry k
        // (0…15) of every block of the row is contiguous, so that the votes compare entry k of eight
        // blocks at a time; the row is voted on before the next is computed, so memory stays small.
        let blocks = blockRows * blockColumns
        let plane = 16 * blockColumns
        var ll = [Float](repeating: 0, count: 4 * plane)
        var chosen = [Float](repeating: 0, count: blockColumns)
        var votes = [[UInt8]](repeating: [UInt8](repeating: 0, count: blocks), count: 4)
        image.pixels.withUnsafeBufferPointer { pixels in
            rgb.withUnsafeMutableBufferPointer { rgb in
                samples.withUnsafeMutableBufferPointer { samples in
                    ll.withUnsafeMutableBufferPointer { ll in
                        chosen.withUnsafeMutableBufferPointer { chosen in
                            let red = rgb.baseAddress!, green = red + uWidth, blue = green + uWidth
                            for blockRow in 0..<blockRows {
                                for rowInBlock in 0..<4 {
                                    let llRow = blockRow * 4 + rowInBlock
                                    for half in 0..<2 {
                                        let source = (llRow * 2 + half) * stride
                                        Lanes.deinterleave(
                                            pixels.baseAddress! + source, channels: channels, count: uWidth, available: pixels.count - source,
                                            red: red, green: green, blue: blue)
                                        // Variant v's samples of this row at samples + (2v + half) * uWidth.
                                        let target = samples.baseAddress! + half * uWidth
                                        for variant in 0..<4 {
                                            let swapped = variant % 2 == 1, float = variant >= 2
                                            let (r, b) = swapped ? (UnsafePointer(blue), UnsafePointer(red)) : (UnsafePointer(red), UnsafePointer(blue))
                                            let g = UnsafePointer(green)
                                            Lanes.fill(target + 2 * variant * uWidth, count: uWidth) { x, load in
                                                let rv = load(r + x), gv = load(g + x), bv = load(b + x)
                                                let u = 0.492 * (bv - (0.299 * rv + 0.587 * gv + 0.114 * bv))
                                                if float { return u + 0.5 }
                                                // OpenCV's clamp to 0…255 never bites: |B − Y| ≤ 0.886 · 255, so U + 128
                                                // stays within 16.8…239.2. The rounding (truncation of a positive value)
                                                // is a floor: the nearest integer, less one where that lies above.
                                                let shifted = u + 128 + 0.5
                                                let nearest = (shifted + 8_388_608) - 8_388_608
                                                return nearest - Lanes.Vector(repeating: 0).replacing(with: 1, where: nearest .> shifted)
                                            }
                                        }
                                    }
                                    let rowEntries = ll.baseAddress! + rowInBlock * 4 * blockColumns
                                    for variant in 0..<4 {
                                        let top = samples.baseAddress! + 2 * variant * uWidth, bottom = top + uWidth
                                        let out = rowEntries + variant * plane
                                        for column in 0..<llWidth {
                                            let x = column * 2
                                            out[(column % 4) * blockColumns + column / 4] = (top[x] + top[x + 1] + bottom[x] + bottom[x + 1]) / 2
                                        }
                                    }
                                }
                                // Per block, the entry of largest magnitude among 1…15 (the first of equals, as a
                                // strict `>` scan keeps), eight blocks at a time; then its residue modulo 36.
                                for variant in 0..<4 {
                                    let band = UnsafePointer(ll.baseAddress! + variant * plane)
                                    Lanes.fill(chosen.baseAddress!, count: blockColumns) { block, load in
                                        var largest = Lanes.Vector(repeating: -1)
                                        var pick = Lanes.Vector(repeating: 0)
                                        for k in 1..<16 {
                                            let value = load(band + k * blockColumns + block)
                                            let magnitude = value.replacing(with: -value, where: value .< 0)
                                            let larger = magnitude .> largest
                                            largest.replace(with: magnitude, where: larger)
                                            pick.replace(with: value, where: larger)
                                        }
                                        return pick
                                    }
                                    votes[variant].withUnsafeMutableBufferPointer { votes in
                                        let first = blockRow * blockColumns
                                        for block in 0..<blockColumns {
                                            votes[first + block] = residue(abs(chosen[block])) > scale / 2 ? 1 : 0
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return votes
    }

    /// `value` modulo 36 for a value of at least 0, exactly as `truncatingRemainder(dividingBy: 36)`
    /// (fmodf) gives it, without the library call: the quotient's floor may be one off after the
    /// division's rounding, which the two corrections undo; value − 36q is exact (both are multiples of
    /// value's ulp and the difference is small).
    @inline(__always)
    static func residue(_ value: Float) -> Float {
        var remainder = value - scale * (value / scale).rounded(.down)
        if remainder < 0 { remainder += scale } else if remainder >= scale { remainder -= scale }
        return remainder
    }

    /// invisible-watermark's decision: bit i is 1 when the mean vote of blocks i, i + L, … exceeds 127/255.
    static func majority(_ votes: [UInt8], length: Int) -> [UInt8] {
        var ones = [Int](repeating: 0, count: length)
        var counts = [Int](repeating: 0, count: length)
        var bit = 0
        for vote in votes {
            ones[bit] += Int(vote)
            counts[bit] += 1
            bit += 1
            if bit == length { bit = 0 }
        }
        return (0..<length).map { counts[$0] > 0 && 255 * ones[$0] > 127 * counts[$0] ? 1 : 0 }
    }
}

extension StableDiffusionWatermarkDetector: CustomStringConvertible {
    public var description: String {
        "StableDiffusionWatermarkDetector(\(payloads.map(\.name).joined(separator: ", ")), false alarms ≤ \(falseAlarmRate))"
    }
}

/// Exact tails of the fair binomial and of the hypergeometric match count, in double precision.
enum Binomial {
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// P(X ≥ k) for X ~ Binomial(n, ½).
    static func upperTail(_ k: Int, of n: Int) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        var total = 0.0
        for j in k...n { total += exp(logChoose(n, j) - Double(n) * log(2.0)) }
        return min(total, 1)
    }

    /// P(matches ≥ `matching`) when a decode with `decodedOnes` ones is a random arrangement, against a
    /// payload with `payloadOnes` ones: matches = 2a + L − m − w, with a (the shared ones) hypergeometric.
    static func hypergeometricMatchTail(matching: Int, length: Int, decodedOnes: Int, payloadOnes: Int) -> Double {
        let needed = matching - length + decodedOnes + payloadOnes
        let sharedMinimum = needed <= 0 ? 0 : (needed + 1) / 2
        let upper = min(decodedOnes, payloadOnes)
        guard sharedMinimum <= upper else { return 0 }
        var total = 0.0
        let denominator = logChoose(length, decodedOnes)
        for shared in max(sharedMinimum, max(0, decodedOnes + payloadOnes - length))...upper {
            total += exp(logChoose(payloadOnes, shared) + logChoose(length - payloadOnes, decodedOnes - shared) - denominator)
        }
        return min(total, 1)
    }
}
