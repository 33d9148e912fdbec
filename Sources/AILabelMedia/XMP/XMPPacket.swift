/// An XMP packet: RDF/XML in an `x:xmpmeta` wrapper, held as an element tree so properties written by
/// others survive every edit (ailabel merges into a packet, never replaces it).
public struct XMPPacket: Sendable, Hashable {
    /// Largest packet ailabel parses (main or extended).
    public static let maximumPacketSize = 16 * 1024 * 1024

    public static let rdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    public static let xNamespace = "adobe:ns:meta/"
    public static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    public static let xmpNoteNamespace = "http://ns.adobe.com/xmp/note/"

    /// The `rdf:RDF` element.
    public private(set) var rdf: XMLElement
    /// The `x:xmptk` toolkit attribute of the wrapper, kept as found.
    public var toolkit: String?

    /// An empty packet.
    public init() {
        rdf = XMLElement(
            namespaceURI: Self.rdfNamespace, prefix: "rdf", localName: "RDF",
            namespaceDeclarations: [XMLNamespaceDeclaration(prefix: "rdf", uri: Self.rdfNamespace)],
            children: [.element(Self.emptyDescription())])
        toolkit = nil
    }

    /// Parses a packet (with or without the `<?xpacket?>` wrapper), and merges an Extended XMP packet into it.
    public init(parsing bytes: some Collection<UInt8>, extended: [UInt8]? = nil) throws {
        let root = try XMLTreeParser.parse(Self.stripBOM(bytes))
        guard let rdf = Self.findRDF(root) else {
            throw MediaError.make(.xmp, "the XMP packet has no rdf:RDF element")
        }
        self.rdf = rdf
        self.toolkit = root.isNamed("xmpmeta", in: Self.xNamespace) ? root.attribute("xmptk", in: Self.xNamespace) : nil
        if let extended {
            let extendedRoot = try XMLTreeParser.parse(Self.stripBOM(extended))
            if let extendedRDF = Self.findRDF(extendedRoot) {
                for case .element(let description) in extendedRDF.children {
                    self.rdf.children.append(.element(description))
                }
            }
        }
    }

    private static func stripBOM(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let array = Array(bytes)
        return array.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(array.dropFirst(3)) : array
    }

    private static func findRDF(_ element: XMLElement) -> XMLElement? {
        if element.isNamed("RDF", in: rdfNamespace) { return element }
        for child in element.childElements {
            if let found = findRDF(child) { return found }
        }
        return nil
    }

    private static func emptyDescription() -> XMLElement {
        XMLElement(
            namespaceURI: rdfNamespace, prefix: "rdf", localName: "Description",
            attributes: [XMLAttribute(namespaceURI: rdfNamespace, prefix: "rdf", localName: "about", value: "")])
    }

    var descriptions: [XMLElement] {
        rdf.childElements.filter { $0.isNamed("Description", in: Self.rdfNamespace) }
    }

    // MARK: Reading

    /// Every top-level property, in document order.
    public var properties: [XMPProperty] {
        var found: [XMPProperty] = []
        for description in descriptions {
            for attribute in description.attributes
            where attribute.namespaceURI != nil && attribute.namespaceURI != Self.rdfNamespace && attribute.namespaceURI != Self.xmlNamespace {
                found.append(
                    XMPProperty(namespace: attribute.namespaceURI!, prefix: attribute.prefix, name: attribute.localName, value: .text(attribute.value)))
            }
            for element in description.childElements {
                guard let namespace = element.namespaceURI else { continue }
                found.append(XMPProperty(namespace: namespace, prefix: element.prefix, name: element.localName, value: Self.value(of: element)))
            }
        }
        return found
    }

    /// The first value of a property, or nil.
    public func value(namespace: String, name: String) -> XMPValue? {
        properties.first { $0.namespace == namespace && $0.name == name }?.value
    }

    /// Every value of a property (a packet may repeat one by mistake; verify wants to know).
    public func values(namespace: String, name: String) -> [XMPValue] {
        properties.filter { $0.namespace == namespace && $0.name == name }.map(\.value)
    }

    static func value(of element: XMLElement) -> XMPValue {
        if let resource = element.attribute("resource", in: rdfNamespace) { return .text(resource) }
        if let container = element.childElements.first, container.namespaceURI == rdfNamespace {
            let items = container.childElements.filter { $0.isNamed("li", in: rdfNamespace) }
            switch container.localName {
            case "Alt":
                return .alternative(items.map { XMPLanguageString(language: $0.attribute("lang", in: xmlNamespace) ?? "x-default", text: $0.text) })
            case "Bag":
                return .bag(items.map(\.text))
            case "Seq":
                return .sequence(items.map(\.text))
            case "Description":
                return .structure(fields(of: container))
            default:
                break
            }
        }
        if element.attribute("parseType", in: rdfNamespace) == "Resource" {
            return .structure(fields(of: element))
        }
        if !element.childElements.isEmpty { return .structure(fields(of: element)) }
        return .text(element.text)
    }

    private static func fields(of element: XMLElement) -> [XMPProperty] {
        var fields: [XMPProperty] = []
        for attribute in element.attributes where attribute.namespaceURI != nil && attribute.namespaceURI != rdfNamespace {
            fields.append(XMPProperty(namespace: attribute.namespaceURI!, prefix: attribute.prefix, name: attribute.localName, value: .text(attribute.value)))
        }
        for child in element.childElements where child.namespaceURI != nil {
            fields.append(XMPProperty(namespace: child.namespaceURI!, prefix: child.prefix, name: child.localName, value: value(of: child)))
        }
        return fields
    }

    // MARK: Editing

    /// Removes every occurrence of a property, in attribute or element form, from every description.
    public mutating func remove(namespace: String, name: String) {
        var children: [XMLChild] = []
        for child in rdf.children {
            guard case .element(var description) = child, description.isNamed("Description", in: Self.rdfNamespace) else {
                children.append(child)
                continue
            }
            description.attributes.removeAll { $0.namespaceURI == namespace && $0.localName == name }
            description.children.removeAll {
                if case .element(let element) = $0 { return element.namespaceURI == namespace && element.localName == name }
                return false
            }
            children.append(.element(description))
        }
        rdf.children = children
    }

    /// Sets a property, replacing every earlier value. The property is written in element form into the
    /// first description, declaring its namespace there when needed.
    public mutating func set(_ value: XMPValue, namespace: String, preferredPrefix: String, name: String) {
        remove(namespace: namespace, name: name)
        guard let index = rdf.children.firstIndex(where: {
            if case .element(let element) = $0 { return element.isNamed("Description", in: Self.rdfNamespace) }
            return false
        }), case .element(var description) = rdf.children[index] else {
            rdf.children.append(.element(Self.emptyDescription()))
            set(value, namespace: namespace, preferredPrefix: preferredPrefix, name: name)
            return
        }
        let prefix = declarePrefix(for: namespace, preferred: preferredPrefix, on: &description)
        var element = XMLElement(namespaceURI: namespace, prefix: prefix, localName: name)
        switch value {
        case .text(let text):
            element.children = [.text(text)]
        case .alternative(let strings):
            element.children = [.element(container("Alt", items: strings.map { ($0.text, $0.language) }))]
        case .bag(let items):
            element.children = [.element(container("Bag", items: items.map { ($0, nil) }))]
        case .sequence(let items):
            element.children = [.element(container("Seq", items: items.map { ($0, nil) }))]
        case .structure(let fields):
            element.attributes = [XMLAttribute(namespaceURI: Self.rdfNamespace, prefix: "rdf", localName: "parseType", value: "Resource")]
            for field in fields {
                let fieldPrefix = declarePrefix(for: field.namespace, preferred: field.prefix ?? "ns", on: &description)
                if case .text(let text) = field.value {
                    element.children.append(.element(XMLElement(namespaceURI: field.namespace, prefix: fieldPrefix, localName: field.name, children: [.text(text)])))
                }
            }
        }
        description.children.append(.element(element))
        rdf.children[index] = .element(description)
    }

    private func container(_ kind: String, items: [(String, String?)]) -> XMLElement {
        XMLElement(
            namespaceURI: Self.rdfNamespace, prefix: "rdf", localName: kind,
            children: items.map { text, language in
                .element(
                    XMLElement(
                        namespaceURI: Self.rdfNamespace, prefix: "rdf", localName: "li",
                        attributes: language.map { [XMLAttribute(namespaceURI: Self.xmlNamespace, prefix: "xml", localName: "lang", value: $0)] } ?? [],
                        children: [.text(text)]))
            })
    }

    /// The prefix bound to `namespace` in scope of `description`, declaring one if none is.
    private func declarePrefix(for namespace: String, preferred: String, on description: inout XMLElement) -> String {
        let inScope = rdf.namespaceDeclarations + description.namespaceDeclarations
        if let existing = inScope.last(where: { $0.uri == namespace }), let prefix = existing.prefix { return prefix }
        // The prefixes taken, gathered once: a packet may declare preferred1…preferredN to other namespaces,
        // and may use a prefix it never declared, which a declaration here would bind.
        let taken = Set(inScope.filter { $0.uri != namespace }.compactMap(\.prefix)).union(Self.undeclaredPrefixes(in: description))
        var prefix = preferred
        var counter = 1
        while taken.contains(prefix) || prefix == "rdf" || prefix == "xml" {
            prefix = "\(preferred)\(counter)"
            counter += 1
        }
        description.namespaceDeclarations.append(XMLNamespaceDeclaration(prefix: prefix, uri: namespace))
        return prefix
    }

    /// The prefixes `element` and everything in it use without a declaration in scope. libxml2 keeps such
    /// a name whole ("TC260:AIGC", in no namespace) and the serializer writes it back as it came, so a
    /// declaration of that prefix on the description would turn text no reader took for a property into
    /// one (a second `TC260:AIGC` beside the one just set).
    private static func undeclaredPrefixes(in element: XMLElement) -> Set<String> {
        var found: Set<String> = []
        func note(_ name: String, inNamespace: Bool) {
            guard !inNamespace, let colon = name.firstIndex(of: ":") else { return }
            found.insert(String(name[..<colon]))
        }
        var pending = [element]
        while let current = pending.popLast() {
            note(current.localName, inNamespace: current.namespaceURI != nil)
            for attribute in current.attributes { note(attribute.localName, inNamespace: attribute.namespaceURI != nil) }
            for case .element(let child) in current.children { pending.append(child) }
        }
        return found
    }

    // MARK: Writing

    /// The packet as UTF-8 text with its `<?xpacket?>` wrapper.
    public func serialized() -> [UInt8] {
        Array(serializedString(wrapped: true).utf8)
    }

    func serializedString(wrapped: Bool) -> String {
        var text = wrapped ? "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" : ""
        text += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"\(XMLTreeSerializer.escape(toolkit ?? "ailabel", attribute: true))\">\n"
        XMLTreeSerializer.serialize(rdf, indent: 1, into: &text)
        text += "</x:xmpmeta>\n"
        if wrapped { text += "<?xpacket end=\"w\"?>" }
        return text
    }

    /// The GUID a main packet names in `xmpNote:HasExtendedXMP`, if any.
    public static func extendedGUID(inMainPacket bytes: [UInt8]) -> String? {
        guard let packet = try? XMPPacket(parsing: bytes), case .text(let guid)? = packet.value(namespace: xmpNoteNamespace, name: "HasExtendedXMP")
        else { return nil }
        return guid.count == 32 ? guid : nil
    }

    /// Splits a packet too large for one JPEG segment: the largest properties move to an Extended XMP
    /// packet until the main one fits, and the main packet names the extended one's GUID.
    func splitForJPEG(mainPacketLimit: Int) throws -> (main: [UInt8], extended: [UInt8]?, guid: String) {
        let whole = serialized()
        if whole.count <= mainPacketLimit { return (whole, nil, "") }

        var main = self
        var moved = XMPPacket()
        moved.toolkit = toolkit
        moved.rdf.children = []
        var candidates: [(description: Int, child: Int, size: Int)] = []
        for (descriptionIndex, child) in main.rdf.children.enumerated() {
            guard case .element(let description) = child else { continue }
            for (childIndex, property) in description.children.enumerated() {
                guard case .element(let element) = property else { continue }
                var text = ""
                XMLTreeSerializer.serialize(element, into: &text)
                candidates.append((descriptionIndex, childIndex, text.utf8.count))
            }
        }
        candidates.sort { $0.size > $1.size }
        var removals: [Int: Set<Int>] = [:]
        var estimate = whole.count
        for candidate in candidates where estimate > mainPacketLimit - 200 {
            removals[candidate.description, default: []].insert(candidate.child)
            estimate -= candidate.size
        }
        for (descriptionIndex, childIndices) in removals {
            guard case .element(var description) = main.rdf.children[descriptionIndex] else { continue }
            var extendedDescription = Self.emptyDescription()
            extendedDescription.namespaceDeclarations = rdf.namespaceDeclarations.filter { $0.prefix != "rdf" } + description.namespaceDeclarations
            for childIndex in childIndices.sorted() { extendedDescription.children.append(description.children[childIndex]) }
            description.children = description.children.enumerated().filter { !childIndices.contains($0.offset) }.map(\.element)
            main.rdf.children[descriptionIndex] = .element(description)
            moved.rdf.children.append(.element(extendedDescription))
        }
        let extended = Array(moved.serializedString(wrapped: false).utf8)
        let guid = JPEGSegmentWriter.extendedXMPGUID(for: extended)
        main.set(.text(guid), namespace: Self.xmpNoteNamespace, preferredPrefix: "xmpNote", name: "HasExtendedXMP")
        let mainBytes = main.serialized()
        guard mainBytes.count <= mainPacketLimit else {
            throw MediaError.make(.limitExceeded, "the XMP packet cannot be split to fit a JPEG segment")
        }
        return (mainBytes, extended, guid)
    }
}

/// One XMP property with its value.
public struct XMPProperty: Sendable, Hashable {
    public var namespace: String
    public var prefix: String?
    public var name: String
    public var value: XMPValue

    public init(namespace: String, prefix: String?, name: String, value: XMPValue) {
        self.namespace = namespace
        self.prefix = prefix
        self.name = name
        self.value = value
    }
}

/// The value forms XMP uses.
public indirect enum XMPValue: Sendable, Hashable {
    case text(String)
    /// `rdf:Alt` of language alternatives (`xml:lang`).
    case alternative([XMPLanguageString])
    case bag([String])
    case sequence([String])
    case structure([XMPProperty])

    /// A one-line rendering for reports.
    public var displayText: String {
        switch self {
        case .text(let text): text
        case .alternative(let strings): strings.map { "[\($0.language)] \($0.text)" }.joined(separator: "; ")
        case .bag(let items), .sequence(let items): items.joined(separator: "; ")
        case .structure(let fields): "{" + fields.map { "\($0.name): \($0.value.displayText)" }.joined(separator: ", ") + "}"
        }
    }

    public var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}

public struct XMPLanguageString: Sendable, Hashable, Codable {
    public var language: String
    public var text: String

    public init(language: String, text: String) {
        self.language = language
        self.text = text
    }
}
