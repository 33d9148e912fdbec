/// MP4, QuickTime (MOV) and MPEG-4 audio (M4A), with M4V and 3GP: ISO BMFF movies, whose media
/// data lies in `mdat` boxes that the sample tables of `moov` point into by absolute file offsets
/// (`stco`/`co64`).
///
/// Where the labels live, as the tools that read them put them:
/// - XMP in the top-level XMP `uuid` box (before the media data, as exiftool leaves it) for MP4 and M4A, and
///   in `moov/udta/XMP_` for QuickTime; both are read in every format.
/// - The TC260 label as the `AIGC` key of QuickTime keyed metadata (`moov/udta/meta` with an `mdta`
///   handler, `keys` and `ilst`: what `ffmpeg -movflags use_metadata_tags` writes), and in XMP.
/// - The C2PA store in the top-level C2PA `uuid` box right after `ftyp`, where c2pa-rs puts it, bound
///   by `c2pa.hash.bmff.v3` (``BMFFTree`` and AILabelManifest's `BMFFHash`).
///
/// A rewrite copies every `mdat` byte for byte; when boxes before media data grow or shrink, every
/// absolute offset into the file is moved with the bytes it points to (``MP4Rewriter``).
public struct MP4Handler: AssetHandler {
    public let declaration: FormatDeclaration

    public static let mp4 = MP4Handler(declaration: mp4Declaration)
    public static let mov = MP4Handler(declaration: movDeclaration)
    public static let m4a = MP4Handler(declaration: m4aDeclaration)

    /// The largest C2PA store read.
    static let maximumStoreSize = 256 << 20

    /// Whether XMP goes in `moov/udta/XMP_` (QuickTime) rather than the XMP `uuid` box.
    var writesQuickTimeXMP: Bool { format == .mov }

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        let movie = try MP4Movie(source)
        let tree = movie.tree
        var contents = MediaContents(format: format, width: 0, height: 0)
        contents.warnings = tree.warnings
        let coding = movie.coding()
        if let video = coding.tracks.first(where: { $0.handler == "vide" && ($0.width ?? 0) > 0 }) {
            contents.width = video.width ?? 0
            contents.height = video.height ?? 0
        }
        contents.coding = coding

        var mediaRanges: [Range<Int>] = []
        for index in tree.topLevel {
            let box = tree.boxes[index]
            var block = MetadataBlock(kind: .other, name: box.type.description, offset: box.range.lowerBound, size: box.range.count)
            switch box.type {
            case .ftyp:
                block.kind = .header
                block.detail = "brand \(movie.majorBrand)"
            case .mdat:
                block.kind = .imageData
                block.detail = "media data"
                mediaRanges.append(box.body)
            case .moov: block.detail = coding.tracks.count == 1 ? "1 track" : "\(coding.tracks.count) tracks"
            case .uuid where BMFFC2PABox.isC2PA(box):
                block.kind = .c2pa
                block.name = "uuid C2PA"
            case .uuid where box.userType == BMFFUUID.xmp:
                block.kind = .xmp
                block.name = "uuid XMP"
            default: break
            }
            contents.blocks.append(block)
        }
        contents.imageDataRanges = mediaRanges

        // XMP: the top-level uuid box first in MP4 and M4A, QuickTime's XMP_ first in a MOV.
        var packets: [(path: String, box: Int, range: Range<Int>)] = []
        for index in movie.xmpBoxes {
            packets.append(("uuid XMP", index, tree.boxes[index].body))
        }
        for index in movie.quickTimeXMPBoxes {
            let box = tree.boxes[index]
            packets.append(("moov/udta/XMP_", index, box.body))
            contents.blocks.append(MetadataBlock(kind: .xmp, name: "moov/udta/XMP_", offset: box.range.lowerBound, size: box.range.count))
        }
        if writesQuickTimeXMP { packets.sort { $0.path.hasPrefix("moov") && !$1.path.hasPrefix("moov") } }
        if let first = packets.first {
            guard first.range.count <= MP4Movie.maximumXMP else {
                throw MediaError.make(.limitExceeded, "the XMP packet in \(first.path) is \(first.range.count) bytes, more than \(MP4Movie.maximumXMP)")
            }
            contents.xmp = try source.read(first.range)
        }
        if packets.count > 1 {
            contents.warnings.append("the file holds \(packets.count) XMP packets (\(packets.map(\.path).joined(separator: ", "))); the first is read")
        }

        // QuickTime keyed metadata (the AIGC key among them).
        for meta in movie.keyedMetadataBoxes {
            let metadata = try keyedMetadata(meta, in: movie)
            let path = tree.path(of: meta).dropFirst()
            let box = tree.boxes[meta]
            let names = metadata.keys.map { String(decoding: $0.name, as: UTF8.self) }
            contents.blocks.append(MetadataBlock(kind: .text, name: String(path), offset: box.range.lowerBound, size: box.range.count,
                                                 detail: "keys: " + names.joined(separator: ", ")))
            for entry in metadata.textEntries {
                contents.textEntries.append(TextEntry(keyword: entry.key, text: entry.text, chunk: .quickTimeKeys))
            }
        }

        let location = try locateC2PAStore(in: movie.tree, source: source)
        contents.c2paStore = location.store
        contents.c2paStoreRanges = location.ranges
        contents.c2paStoreCount = location.storeCount
        contents.structure = movie
        return contents
    }

    /// The keys and items of an `mdta` meta box.
    func keyedMetadata(_ meta: Int, in movie: MP4Movie) throws -> QuickTimeKeyedMetadata {
        // `keys` is a full box the walk reads as a plain one: its version and flags come first.
        let keys = movie.firstChild("keys", of: meta).map { Array(movie.payload($0).dropFirst(4)) }
        let items = movie.firstChild("ilst", of: meta).map { movie.payload($0) }
        return try QuickTimeKeyedMetadata(keys: keys, items: items)
    }

    // MARK: C2PA

    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        let tree = try BMFFTree(count: source.count) { try source.read($0) }
        guard let first = tree.topLevel.first, tree.boxes[first].type == .ftyp else {
            throw MediaError.make(.malformed, "not an MP4 or QuickTime file: it does not start with an ftyp box")
        }
        return try locateC2PAStore(in: tree, source: source)
    }

    /// The manifest stores of the top-level C2PA boxes (update manifests and Merkle boxes left out).
    func locateC2PAStore(in tree: BMFFTree, source: any ByteSource) throws -> C2PAStoreLocation {
        var stores: [(store: [UInt8], range: Range<Int>)] = []
        for index in tree.topLevel where BMFFC2PABox.isC2PA(tree.boxes[index]) {
            let box = tree.boxes[index]
            // A Merkle box's purpose is read without reading the box, which may be large.
            let head = try source.read(box.payloadStart..<min(box.range.upperBound, box.payloadStart + 16))
            if let terminator = head.firstIndex(of: 0), !["manifest", "original"].contains(String(decoding: head[..<terminator], as: UTF8.self)) {
                continue
            }
            guard box.range.count <= Self.maximumStoreSize else {
                throw MediaError.make(.limitExceeded, "the C2PA box at byte \(box.range.lowerBound) is \(box.range.count) bytes, more than \(Self.maximumStoreSize)")
            }
            let payload = try source.read(box.payloadStart..<box.range.upperBound)
            guard let found = try BMFFC2PABox.store(in: box, payload: payload), found.purpose != "update" else { continue }
            stores.append((Array(payload[(found.store.lowerBound - box.payloadStart)...]), box.range))
        }
        guard let first = stores.first else { return .none }
        return C2PAStoreLocation(store: stores.count == 1 ? first.store : nil, ranges: stores.map(\.range), storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] {
        try BMFFC2PABox.framed(store)
    }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let tree = try BMFFTree(count: source.count) { try source.read($0) }
        return tree.topLevel.map { tree.boxes[$0] }.filter { $0.type == .mdat }.map(\.body)
    }

    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] {
        try imageDataRanges(in: bytes as any ByteSource)
    }
}
