public import AILabelMedia

/// The visible badge for a video: laid out and drawn once by ``VisibleLabeler`` on the displayed picture
/// (after the stream's rotation), converted to the stream's Y'CbCr, and copied into each frame's planes.
///
/// Videos get an opaque badge: a translucent one would need its contrast judged over every frame under it,
/// so its background is drawn solid (the colour kept). Inside the region the frame's samples are replaced;
/// a chroma sample that the region only partly covers becomes the mean of the badge's and the frame's.
public struct VideoBadgeOverlay: Sendable {
    /// The badge as drawn, in display coordinates (as for an image of the displayed size).
    public let record: BadgeRecord
    public let rotation: VideoRotation
    /// The region in stored coordinates.
    let storedX: Int
    let storedY: Int
    let storedWidth: Int
    let storedHeight: Int
    /// Per stored sample of the region: Y', Cb, Cr.
    let luma: [UInt8]
    let cb: [UInt8]
    let cr: [UInt8]

    public init(
        labeler: VisibleLabeler, texts: [BadgeText], style: BadgeStyle, rotation: VideoRotation, color: VideoColor
    ) throws(VisibleLabelError) {
        var style = style
        if case .translucent(let colour, _) = style.background { style.background = .solid(colour) }
        let canvas = RGBImage(width: rotation.displayWidth, height: rotation.displayHeight, channels: 3, fill: [0, 0, 0])
        let (drawn, record) = try labeler.apply(to: canvas, texts: texts, style: style)
        self.record = record
        self.rotation = rotation
        let region = record.region
        // The region's corners in stored coordinates.
        let a = rotation.storagePoint(displayX: region.x, displayY: region.y)
        let b = rotation.storagePoint(displayX: region.x + region.width - 1, displayY: region.y + region.height - 1)
        storedX = min(a.x, b.x)
        storedY = min(a.y, b.y)
        storedWidth = abs(a.x - b.x) + 1
        storedHeight = abs(a.y - b.y) + 1
        var luma = [UInt8](repeating: 0, count: storedWidth * storedHeight)
        var cb = luma, cr = luma
        for dy in region.y..<(region.y + region.height) {
            for dx in region.x..<(region.x + region.width) {
                let (sx, sy) = rotation.storagePoint(displayX: dx, displayY: dy)
                let offset = drawn.offset(x: dx, y: dy)
                let sample = color.ycbcr(red: drawn.pixels[offset], green: drawn.pixels[offset + 1], blue: drawn.pixels[offset + 2])
                let index = (sy - storedY) * storedWidth + (sx - storedX)
                luma[index] = sample.y
                cb[index] = sample.cb
                cr[index] = sample.cr
            }
        }
        self.luma = luma
        self.cb = cb
        self.cr = cr
    }

    /// Draws the badge into `frame` (stored orientation).
    public func draw(into frame: VideoFrame) {
        guard frame.width == rotation.storedWidth, frame.height == rotation.storedHeight else { return }
        let (y0, yStride) = frame.plane(0)
        luma.withUnsafeBufferPointer { badge in
            for row in 0..<storedHeight {
                let target = y0 + (storedY + row) * yStride + storedX
                target.update(from: badge.baseAddress! + row * storedWidth, count: storedWidth)
            }
        }
        // Chroma: each sample covers (1 << shift) × (1 << shift) luma samples; mix badge and frame by coverage.
        let sx = frame.chromaShiftX, sy = frame.chromaShiftY
        let blockW = 1 << sx, blockH = 1 << sy
        let firstX = storedX >> sx, lastX = (storedX + storedWidth - 1) >> sx
        let firstY = storedY >> sy, lastY = (storedY + storedHeight - 1) >> sy
        for (planeNumber, badge) in [(1, cb), (2, cr)] {
            let (base, stride) = frame.plane(planeNumber)
            for cy in firstY...lastY {
                for cx in firstX...lastX {
                    var covered = 0, total = 0
                    for ly in (cy << sy)..<((cy << sy) + blockH) {
                        for lx in (cx << sx)..<((cx << sx) + blockW) {
                            let rx = lx - storedX, ry = ly - storedY
                            if rx >= 0, ry >= 0, rx < storedWidth, ry < storedHeight {
                                covered += 1
                                total += Int(badge[ry * storedWidth + rx])
                            }
                        }
                    }
                    let pointer = base + cy * stride + cx
                    let cells = blockW * blockH
                    pointer.pointee = UInt8((total + Int(pointer.pointee) * (cells - covered) + cells / 2) / cells)
                }
            }
        }
    }
}
