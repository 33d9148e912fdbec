internal import CAILabelShims

/// One decoded video frame as 8-bit planar YUV, lent to a callback of ``VideoCodec``: its planes are valid only
/// during that call, and a transcode encodes whatever the callback leaves in them.
public struct VideoFrame {
    /// Luma size in pixels.
    public let width: Int
    public let height: Int
    /// log2 of the chroma subsampling: (1, 1) for 4:2:0, (1, 0) for 4:2:2, (0, 0) for 4:4:4.
    public let chromaShiftX: Int
    public let chromaShiftY: Int
    /// Whether samples span 0...255 (full range) rather than 16...235 (video range).
    public let isFullRange: Bool
    /// Frames handed out before this one.
    public let index: Int
    /// Presentation time from the start of the stream, seconds.
    public let seconds: Double
    /// Whether the decoder marked it a key frame.
    public let isKeyFrame: Bool

    let planes: (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt8>)
    let strides: (Int, Int, Int)

    init(_ frame: CAILabel_VideoFrame) {
        width = Int(frame.width)
        height = Int(frame.height)
        chromaShiftX = Int(frame.chroma_shift_x)
        chromaShiftY = Int(frame.chroma_shift_y)
        isFullRange = frame.full_range != 0
        index = Int(frame.index)
        seconds = frame.seconds
        isKeyFrame = frame.key_frame != 0
        planes = (frame.planes.0!, frame.planes.1!, frame.planes.2!)
        strides = (Int(frame.strides.0), Int(frame.strides.1), Int(frame.strides.2))
    }

    /// Chroma plane size.
    public var chromaWidth: Int { (width + (1 << chromaShiftX) - 1) >> chromaShiftX }
    public var chromaHeight: Int { (height + (1 << chromaShiftY) - 1) >> chromaShiftY }

    /// Plane 0 (Y), 1 (Cb) or 2 (Cr): its first sample and its row stride in bytes.
    public func plane(_ number: Int) -> (base: UnsafeMutablePointer<UInt8>, stride: Int) {
        switch number {
        case 0: (planes.0, strides.0)
        case 1: (planes.1, strides.1)
        default: (planes.2, strides.2)
        }
    }

    /// Row `y` of plane `number`, `count` samples from column 0.
    public func row(_ y: Int, plane number: Int) -> UnsafeMutableBufferPointer<UInt8> {
        let (base, stride) = plane(number)
        return UnsafeMutableBufferPointer(start: base + y * stride, count: number == 0 ? width : chromaWidth)
    }
}
