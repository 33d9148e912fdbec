import Foundation

/// A parsed C2PA manifest store: the `c2pa` superbox and its manifests, oldest first, the active
/// (newest) one last. Every part keeps the exact bytes it was parsed from.
public struct ManifestStore: Sendable {
    public var manifests: [Manifest] {
        didSet { positions = Self.positions(of: manifests) }
    }
    /// Each label's first manifest: validation looks manifests up by label for every ingredient and
    /// every step of an update chain, and a search each time made a long chain cubic.
    private var positions: [String: Int]
    /// The store's bytes as parsed.
    public var encodedBytes: [UInt8]

    /// The active manifest: the last one in the store.
    public var activeManifest: Manifest? { manifests.last }

    public func manifest(labelled label: String) -> Manifest? {
        positions[label].map { manifests[$0] }
    }

    static func positions(of manifests: [Manifest]) -> [String: Int] {
        var positions: [String: Int] = [:]
        for (index, manifest) in manifests.enumerated() where positions[manifest.label] == nil { positions[manifest.label] = index }
        return positions
    }

    /// Parses a store. Structural problems of the store itself throw; problems inside a manifest
    /// (missing claim, undecodable assertion…) are kept on the ``Manifest`` for the validator.
    ///
    /// The CBOR of all claims and assertions together holds at most `maximumItems` items (each
    /// assertion may hold a million, and a decoded item takes some 40 times its encoded size): a
    /// store past it throws ``ManifestError/Code/cborMalformed``.
    public init(parsing bytes: [UInt8], limits: JUMBFLimits = .standard, maximumItems: Int = ManifestStore.maximumItems) throws {
        let root = try JUMBFSuperbox(parsing: bytes, limits: limits)
        guard root.description.c2paTypePrefix == "c2pa", root.label == "c2pa" else {
            throw ManifestError.make(.storeMalformed, "The JUMBF box is not a C2PA manifest store (label \(root.label ?? "none"))")
        }
        var budget = maximumItems
        var manifests: [Manifest] = []
        // Stopped at the first manifest past the budget: nothing more is decoded.
        for box in root.superboxes where Self.manifestTypes.contains(box.description.c2paTypePrefix ?? "") && budget >= 0 {
            manifests.append(Manifest(box: box, itemBudget: &budget))
        }
        self.manifests = manifests
        guard budget >= 0 else {
            throw ManifestError.make(.cborMalformed, "The claims and assertions of the store hold more than \(maximumItems) CBOR items together, ailabel's limit for one store")
        }
        positions = Self.positions(of: manifests)
        guard !manifests.isEmpty else {
            throw ManifestError.make(.storeMalformed, "The C2PA manifest store holds no manifest")
        }
        encodedBytes = bytes
    }

    /// The manifest superboxes: standard (`c2ma`, and `c2md`, which C2PA 11.2.2 allows for a standard
    /// manifest and c2pa-rs reads as one) and update (`c2um`).
    static let manifestTypes: Set<String> = ["c2ma", "c2md", "c2um"]

    /// The most CBOR items decoded for one store (real stores hold a few thousand).
    public static let maximumItems = 4_000_000

    init(manifests: [Manifest], encodedBytes: [UInt8]) {
        self.manifests = manifests
        self.positions = Self.positions(of: manifests)
        self.encodedBytes = encodedBytes
    }
}

/// One manifest (`c2ma` superbox, or `c2um` for an update manifest): its assertions, claim and
/// claim signature.
public struct Manifest: Sendable {
    public var label: String
    public var box: JUMBFSuperbox
    /// An update manifest (`c2um`): it changes only metadata, so it has no hard binding of its own;
    /// its parent's binding ties it to the asset.
    public var isUpdate: Bool { box.description.c2paTypePrefix == "c2um" }
    /// The assertion superboxes of `c2pa.assertions`, in order.
    public var assertions: [AssertionBox]
    /// The claim box's label (`c2pa.claim.v2` or `c2pa.claim`), and how many claim boxes there are.
    public var claimLabel: String?
    public var claimCount: Int
    /// The claim's CBOR bytes exactly as stored (what the signature covers).
    public var claimBytes: [UInt8]?
    public var claim: Claim?
    /// Why the claim could not be decoded, when it could not.
    public var claimError: String?
    /// The signature superbox (`c2pa.signature`) and its COSE_Sign1 bytes.
    public var signatureBox: JUMBFSuperbox?
    public var signatureBytes: [UInt8]?

    /// `itemBudget`: the CBOR items the store may still decode; it goes below zero when the manifest
    /// needs more (the store then refuses it).
    init(box: JUMBFSuperbox, itemBudget: inout Int) {
        self.box = box
        self.label = box.label ?? ""
        let assertionStore = box.superboxes.first { $0.description.c2paTypePrefix == "c2as" }
        var assertions: [AssertionBox] = []
        for assertionBox in assertionStore?.superboxes ?? [] where itemBudget >= 0 {
            assertions.append(AssertionBox(box: assertionBox, itemBudget: &itemBudget))
        }
        self.assertions = assertions
        let claims = box.superboxes.filter { $0.description.c2paTypePrefix == "c2cl" }
        self.claimCount = claims.count
        self.claimLabel = claims.first?.label
        if let claimBox = claims.first, let content = claimBox.contentBoxes.first(where: { $0.type == "cbor" }), itemBudget >= 0 {
            let bytes = Array(content.payload)
            self.claimBytes = bytes
            do {
                self.claim = try Claim(item: try CBOR(decoding: bytes, itemBudget: &itemBudget), label: claimBox.label ?? "")
            } catch let error as ManifestError {
                self.claimError = error.reason
            } catch {
                self.claimError = "\(error)"
            }
        }
        self.signatureBox = box.superboxes.first { $0.description.c2paTypePrefix == "c2cs" }
        self.signatureBytes = signatureBox?.contentBoxes.first { $0.type == "cbor" }.map { Array($0.payload) }
    }

    /// The assertion with this label (labels are unique within a manifest).
    public func assertion(labelled label: String) -> AssertionBox? {
        assertions.first { $0.label == label }
    }
}

/// An assertion superbox and its decoded content.
public struct AssertionBox: Sendable {
    public var label: String
    public var box: JUMBFSuperbox
    /// The CBOR content, for `cbor` assertions that decode.
    public var cbor: CBOR?
    /// The JSON text, for `json` assertions.
    public var json: String?
    /// Why a CBOR assertion did not decode.
    public var decodingError: String?

    init(box: JUMBFSuperbox, itemBudget: inout Int) {
        self.box = box
        self.label = box.label ?? ""
        for content in box.contentBoxes {
            switch content.type {
            case "cbor":
                do {
                    cbor = try CBOR(decoding: content.payload, itemBudget: &itemBudget)
                } catch let error as ManifestError {
                    decodingError = error.reason
                } catch {
                    decodingError = "\(error)"
                }
            case "json":
                json = String(decoding: content.payload, as: UTF8.self)
            default:
                continue
            }
            break
        }
    }

    /// The label without an instance suffix (`c2pa.ingredient.v3__1` → `c2pa.ingredient.v3`).
    public var baseLabel: String { Self.baseLabel(of: label) }

    /// An assertion label without its instance suffix.
    public static func baseLabel(of label: String) -> String {
        if let range = label.range(of: "__", options: .backwards),
            label[range.upperBound...].allSatisfy(\.isNumber), !label[range.upperBound...].isEmpty
        {
            return String(label[..<range.lowerBound])
        }
        return label
    }
}

extension CBOR {
    /// Decodes one claim's or assertion's CBOR with its items drawn from the store's budget, which goes
    /// below zero when the item needs more than is left (the store is then refused).
    init<C: Collection>(decoding bytes: C, itemBudget budget: inout Int) throws where C.Element == UInt8 {
        let standard = CBOR.DecodingLimits.standard
        // Every item takes a byte at least, so bytes within the budget cannot pass it.
        guard bytes.count > budget, budget < standard.maximumItems else {
            self = try CBOR(decoding: bytes)
            budget -= itemCount
            return
        }
        guard budget > 0 else {
            budget = -1
            throw ManifestError.make(.cborMalformed, "The store's CBOR item budget is spent")
        }
        var bounded = standard
        bounded.maximumItems = budget
        do {
            self = try CBOR(decoding: bytes, limits: bounded)
        } catch {
            // Malformed, or more items than the budget has left: decoded again under the usual limits to
            // tell which (a malformation throws as it would have); more items spend the budget, and the
            // value is not kept.
            _ = try CBOR(decoding: bytes)
            budget = -1
            throw ManifestError.make(.cborMalformed, "The store's CBOR item budget is spent")
        }
        budget -= itemCount
    }

    /// The data items of this value: itself and every one nested in it (what a decoded item holds in
    /// memory, at some 40 times its encoded size for small ones).
    var itemCount: Int {
        switch self {
        case .array(let items): return items.reduce(1) { $0 + $1.itemCount }
        case .map(let entries): return entries.reduce(1) { $0 + $1.key.itemCount + $1.value.itemCount }
        case .tagged(_, let inner): return 1 + inner.itemCount
        default: return 1
        }
    }
}
