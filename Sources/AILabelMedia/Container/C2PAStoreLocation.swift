/// Where a C2PA manifest store sits in a file, as a handler's structural pass finds it.
public struct C2PAStoreLocation: Sendable, Hashable {
    /// The reassembled JUMBF store, if there is exactly one and it could be put together.
    public var store: [UInt8]?
    /// The byte ranges the store occupies, framing included (segment markers, chunk headers, CRCs):
    /// what a data hash excludes.
    public var ranges: [Range<Int>]
    /// How many distinct stores the file holds (more than one is a C2PA error).
    public var storeCount: Int

    public init(store: [UInt8]?, ranges: [Range<Int>], storeCount: Int) {
        self.store = store
        self.ranges = ranges
        self.storeCount = storeCount
    }

    public static let none = C2PAStoreLocation(store: nil, ranges: [], storeCount: 0)
}

/// One box of a file as a C2PA box hash (`c2pa.hash.boxes`) names it: a JPEG segment, a PNG chunk, a
/// RIFF chunk. The store's own box is named ``c2paName``.
public struct C2PABox: Sendable, Hashable {
    public var name: String
    public var range: Range<Int>

    public init(name: String, range: Range<Int>) {
        self.name = name
        self.range = range
    }

    public static let c2paName = "C2PA"
}
