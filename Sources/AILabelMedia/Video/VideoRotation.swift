/// How a player turns stored frames for display, from the stream's display matrix: a quarter-turn count.
/// Badges are laid out on the displayed picture (so "top right" is where a viewer sees it) and drawn into
/// the stored frame through ``storagePoint(displayX:displayY:)``.
public struct VideoRotation: Sendable, Hashable, Codable {
    /// Clockwise quarter turns applied for display (0...3).
    public let clockwiseQuarterTurns: Int
    /// Stored frame size.
    public let storedWidth: Int
    public let storedHeight: Int

    /// - Parameter displayMatrixRotation: libav's `av_display_rotation_get` (degrees counter-clockwise of the
    ///   matrix; a player turns the picture by its negation), nil when the stream has no matrix.
    public init(displayMatrixRotation: Double?, storedWidth: Int, storedHeight: Int) {
        let degrees = -(displayMatrixRotation ?? 0)
        let quarter = Int((degrees / 90).rounded())
        clockwiseQuarterTurns = ((quarter % 4) + 4) % 4
        self.storedWidth = storedWidth
        self.storedHeight = storedHeight
    }

    public var displayWidth: Int { clockwiseQuarterTurns % 2 == 0 ? storedWidth : storedHeight }
    public var displayHeight: Int { clockwiseQuarterTurns % 2 == 0 ? storedHeight : storedWidth }

    /// The stored sample shown at display position (x, y).
    public func storagePoint(displayX x: Int, displayY y: Int) -> (x: Int, y: Int) {
        switch clockwiseQuarterTurns {
        case 1: (y, storedHeight - 1 - x)
        case 2: (storedWidth - 1 - x, storedHeight - 1 - y)
        case 3: (storedWidth - 1 - y, x)
        default: (x, y)
        }
    }
}

extension VideoFrame {
    /// The frame as the viewer sees it (turned by `rotation`), in 8-bit RGB: for checking a badge.
    public func displayImage(color: VideoColor, rotation: VideoRotation) -> RGBImage {
        let width = rotation.displayWidth, height = rotation.displayHeight
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let (luma, lumaStride) = plane(0)
        let (cb, cbStride) = plane(1)
        let (cr, crStride) = plane(2)
        pixels.withUnsafeMutableBufferPointer { out in
            var index = 0
            for dy in 0..<height {
                for dx in 0..<width {
                    let (sx, sy) = rotation.storagePoint(displayX: dx, displayY: dy)
                    let cx = sx >> chromaShiftX, cy = sy >> chromaShiftY
                    let rgb = color.rgb(y: luma[sy * lumaStride + sx], cb: cb[cy * cbStride + cx], cr: cr[cy * crStride + cx])
                    out[index] = rgb.red
                    out[index + 1] = rgb.green
                    out[index + 2] = rgb.blue
                    index += 3
                }
            }
        }
        return RGBImage(width: width, height: height, channels: 3, pixels: pixels)
    }
}
