/// An animation decoded to whole canvases: each frame as the viewer sees it once every earlier frame
/// has been blended and disposed, with how long it shows. Marks go on every canvas; the format's
/// encoder then finds the sub-rectangles, blending and disposal that reproduce them.
public struct PixelAnimation: Sendable, Hashable {
    public struct Frame: Sendable, Hashable {
        public var image: RGBImage
        /// How long the frame shows, in milliseconds.
        public var duration: Int

        public init(image: RGBImage, duration: Int) {
            self.image = image
            self.duration = duration
        }
    }

    public var frames: [Frame]
    /// How many times the animation plays; 0 for ever.
    public var loopCount: Int
    /// The canvas background the file declares, as the format stores it (a hint for viewers).
    public var background: UInt32

    public init(frames: [Frame], loopCount: Int, background: UInt32) {
        self.frames = frames
        self.loopCount = loopCount
        self.background = background
    }

    /// The most frames one animation may hold for marking (each is a whole canvas in memory).
    public static let maximumFrames = 10_000
}
