/// The image watermark in video: the luma tile of ``AILabelWatermarker``, added to the luma plane of every
/// frame at the same place, so a reader can sum the evidence of many frames (``VideoWatermarkPool``).
///
/// Frames larger than 720p carry the tile drawn larger (``period(width:height:)``: 240 pixels on 1080p), as
/// if the 128 tile had been resized with the frame: scaled down to 480p, 1080p's mark keeps a period of 107
/// and a band (0.048–0.23 cycles a pixel) a 480p frame still holds. At 128 pixels it fell to a period of 57
/// and its finest frequencies past what the scaler keeps (one 1080p clip in four was lost); at 192 (85 at
/// 480p) another clip was lost. The reader's period search finds any of them.
///
/// The tile is computed once per video; marking a frame is one add per luma sample.
public struct VideoWatermark: Sendable {
    public let watermarker: AILabelWatermarker
    public let payload: WatermarkPayload
    /// The tile's side in pixels.
    public let period: Int
    /// The tile as whole-sample deltas (the image embed rounds the same way).
    let deltas: [Int16]

    /// - Parameters:
    ///   - strength: as for ``AILabelWatermarker/embed(_:into:strength:)``: 1 costs about 42.4 dB PSNR.
    ///   - period: the tile's side (128, the image mark's, unless the frames call for more).
    public init(watermarker: AILabelWatermarker, payload: WatermarkPayload, strength: Float = 1, period: Int = 128) {
        self.watermarker = watermarker
        self.payload = payload
        self.period = period
        let amplitude = AILabelWatermarker.baseAmplitude * strength
        deltas = watermarker.tile(for: payload.value, period: period).map { Int16(($0 * amplitude).rounded()) }
    }

    /// The tile's side for frames of `width` × `height`: 128 up to 720 lines (on the shorter side), growing
    /// with the frame to 240 at 1080 lines and more (scaled to 480 lines, 107: inside the reader's 48–256
    /// search, and with the band a 480-line frame keeps), even.
    public static func period(width: Int, height: Int) -> Int {
        let lines = Double(min(max(min(width, height), 720), 1080))
        let period = Double(TileLayout.tileSize) + (lines - 720) / 360 * 112
        return Int((period / 2).rounded()) * 2
    }

    /// Adds the tile to a luma plane of `width` × `height` samples, rows `stride` bytes apart, the tile grid's
    /// origin at sample (0, 0). Samples are clamped to `range` (16...235 for video-range luma).
    public func embed(
        luma: UnsafeMutablePointer<UInt8>, stride: Int, width: Int, height: Int, range: ClosedRange<Int16> = 0...255
    ) {
        let n = period
        let low = range.lowerBound, high = range.upperBound
        // The tile's column of each x, once per frame (the period need not be a power of two).
        let columns = (0..<width).map { Int32($0 % n) }
        deltas.withUnsafeBufferPointer { tile in
            columns.withUnsafeBufferPointer { column in
                for y in 0..<height {
                    let row = luma + y * stride
                    let tileRow = (y % n) * n
                    for x in 0..<width {
                        let value = Int16(row[x]) + tile[tileRow + Int(column[x])]
                        row[x] = UInt8(truncatingIfNeeded: min(max(value, low), high))
                    }
                }
            }
        }
    }
}

/// Pools watermark evidence over the frames of a video: each frame's luma is prefiltered as the image reader
/// does and summed, so a mark too weak to read in one re-encoded frame adds up over many while the picture,
/// which moves, does not. Frames must all have the same size (one video stream).
public struct VideoWatermarkPool: Sendable {
    public let watermarker: AILabelWatermarker
    private var sum: Plane?
    private var originX = 0
    private var originY = 0
    /// Frames added.
    public private(set) var frames = 0

    public init(watermarker: AILabelWatermarker) { self.watermarker = watermarker }

    /// Adds one frame's luma plane (`width` × `height` samples, rows `stride` bytes apart).
    public mutating func add(luma: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int) {
        let side = WatermarkReader.maxRegionSide
        let w = min(width, side), h = min(height, side)
        let x0 = (width - w) / 2, y0 = (height - h) / 2
        if let sum, sum.width != w || sum.height != h { return }
        var values = [Float](repeating: 0, count: w * h)
        values.withUnsafeMutableBufferPointer { plane in
            for y in 0..<h {
                let row = luma + (y0 + y) * stride + x0
                for x in 0..<w { plane[y * w + x] = Float(row[x]) }
            }
        }
        let filtered = WatermarkReader.prefilter(Plane(width: w, height: h, values: values))
        if sum == nil {
            sum = filtered
            originX = x0
            originY = y0
        } else {
            sum!.values.withUnsafeMutableBufferPointer { total in
                filtered.values.withUnsafeBufferPointer { frame in
                    for index in 0..<total.count { total[index] += frame[index] }
                }
            }
        }
        frames += 1
    }

    /// The search over everything added so far; nil detection when no candidate checks out.
    public func analyze() -> WatermarkAnalysis {
        guard let sum else {
            return WatermarkAnalysis(detection: nil, bestGuess: WatermarkPayload(0), bestSyncScore: 0, candidatesTried: 0)
        }
        return WatermarkReader(watermarker: watermarker).analyze(prefiltered: sum, originX: originX, originY: originY)
    }
}
