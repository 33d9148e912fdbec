/// Thrown by a ``PixelMarker`` that cannot put its mark into an image (an image too small to carry the
/// watermark): the stamp goes on without that mark, which becomes a warning for the file, not a layer.
public struct MarkNotApplied: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
