/// The image watermark in video: the same 128×128 luma tile (``AILabelWatermarker``), added to the luma plane
/// of every frame at the same place, so a reader can sum the evidence of many frames (``VideoWatermarkPool``).
///
/// The tile is computed once per video; marking a frame is one add per luma sample.
public struct VideoWatermark: Sendable {
    public let watermarker: AILabelWatermarker
    public let payload: WatermarkPayload
    /// The tile as whole-sample deltas (the image embed rounds the same way).
    let deltas: [Int16]

    /// - Parameter strength: as for ``AILabelWatermarker/embed(_:into:strength:)``: 1 costs about 42.4 dB PSNR.
    public init(watermarker: AILabelWatermarker, payload: WatermarkPayload, strength: Float = 1) {
        self.watermarker = watermarker
        self.payload = payload
        let amplitude = AILabelWatermarker.baseAmplitude * strength
        deltas = watermarker.tile(for: payload.value).map { Int16(($0 * amplitude).rounded()) }
    }

    /// Adds the tile to a luma plane of `width` × `height` samples, rows `stride` bytes apart, the tile grid's
    /// origin at sample (0, 0). Samples are clamped to `range` (16...235 for video-range luma).
    public func embed(
        luma: UnsafeMutablePointer<UInt8>, stride: Int, width: Int, height: Int, range: ClosedRange<Int16> = 0...255
    ) {
        let n = TileLayout.tileSize
        let low = range.lowerBound, high = range.upperBound
        deltas.withUnsafeBufferPointer { tile in
            for y in 0..<height {
                let row = luma + y * stride
                let tileRow = (y & (n - 1)) * n
                for x in 0..<width {
                    let value = Int16(row[x]) + tile[tileRow + (x & (n - 1))]
                    row[x] = UInt8(truncatingIfNeeded: min(max(value, low), high))
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
