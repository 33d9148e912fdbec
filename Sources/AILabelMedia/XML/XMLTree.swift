internal import CAILabelXML2

#if canImport(Glibc)
import Glibc
#endif

/// A namespace-aware XML element tree: what ailabel edits XMP in, and what its serializer writes back.
///
/// libxml2 parses; ailabel keeps its own value tree so edits are plain Swift and serialisation is
/// deterministic (stamping twice gives identical bytes).
public struct XMLElement: Sendable, Hashable {
    public var namespaceURI: String?
    public var prefix: String?
    public var localName: String
    public var attributes: [XMLAttribute]
    /// Namespace declarations made on this element (`xmlns:prefix="uri"`), in document order.
    public var namespaceDeclarations: [XMLNamespaceDeclaration]
    public var children: [XMLChild]

    public init(
        namespaceURI: String?, prefix: String?, localName: String, attributes: [XMLAttribute] = [],
        namespaceDeclarations: [XMLNamespaceDeclaration] = [], children: [XMLChild] = []
    ) {
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.localName = localName
        self.attributes = attributes
        self.namespaceDeclarations = namespaceDeclarations
        self.children = children
    }

    public var qualifiedName: String { prefix.map { "\($0):\(localName)" } ?? localName }

    public func isNamed(_ localName: String, in namespace: String) -> Bool {
        self.localName == localName && namespaceURI == namespace
    }

    public var childElements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The concatenated text of the direct text children.
    public var text: String {
        children.map { if case .text(let text) = $0 { text } else { "" } }.joined()
    }

    public func attribute(_ localName: String, in namespace: String?) -> String? {
        attributes.first { $0.localName == localName && $0.namespaceURI == namespace }?.value
    }
}

public struct XMLAttribute: Sendable, Hashable {
    public var namespaceURI: String?
    public var prefix: String?
    public var localName: String
    public var value: String

    public init(namespaceURI: String?, prefix: String?, localName: String, value: String) {
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.localName = localName
        self.value = value
    }

    public var qualifiedName: String { prefix.map { "\($0):\(localName)" } ?? localName }
}

public struct XMLNamespaceDeclaration: Sendable, Hashable {
    public var prefix: String?
    public var uri: String

    public init(prefix: String?, uri: String) {
        self.prefix = prefix
        self.uri = uri
    }
}

public indirect enum XMLChild: Sendable, Hashable {
    case element(XMLElement)
    case text(String)
}

/// Parses XML with libxml2 under rules safe for hostile input.
public enum XMLTreeParser {
    /// Deepest element nesting accepted (XMP needs fewer than 20 levels).
    public static let maximumDepth = 64
    /// Most elements accepted in one document.
    public static let maximumElements = 200_000
    /// Most attributes and namespace declarations on one element (libxml2's tree costs their square).
    public static let maximumAttributes = 4_096

    /// Parses a document. DTDs are refused outright: XMP forbids them, and refusing them rules out
    /// external entities and entity-expansion bombs before libxml2 sees a byte.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> XMLElement {
        let data = Array(bytes)
        guard data.count <= XMPPacket.maximumPacketSize else {
            throw MediaError.make(.limitExceeded, "the XML document is \(data.count) bytes, over the \(XMPPacket.maximumPacketSize)-byte limit")
        }
        if containsDoctype(data) {
            throw MediaError.make(.xmp, "the XML declares a DTD (<!DOCTYPE or <!ENTITY), which XMP does not allow")
        }
        guard MarkupAttributeScan.largestTag(data, html: false, limit: maximumAttributes) <= maximumAttributes else {
            throw MediaError.make(.limitExceeded, "an element of the XML has more than \(maximumAttributes) attributes and namespace declarations")
        }
        // No network, no entity substitution, no DTD loading, no error printing to stderr.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = data.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    xmlReadMemory(chars, Int32(buffer.count), "xmp.xml", "UTF-8", options)
                }
            }
        }
        guard let document else {
            let reason = xmlGetLastError().flatMap { error in error.pointee.message.map { String(cString: $0) } }
            xmlResetLastError()
            throw MediaError.make(
                .xmp, "the XML is not well-formed" + (reason.map { ": " + $0.trimmingWhitespace() } ?? ""))
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw MediaError.make(.xmp, "the XML has no root element")
        }
        var budget = maximumElements
        return try convert(root, depth: 0, budget: &budget)
    }

    private static func containsDoctype(_ data: [UInt8]) -> Bool {
        let doctype = Array("<!DOCTYPE".utf8)
        let entity = Array("<!ENTITY".utf8)
        guard data.count >= entity.count else { return false }
        for index in 0...(data.count - entity.count) where data[index] == 0x3C && data[index + 1] == 0x21 {
            if data[index...].starts(with: doctype) || data[index...].starts(with: entity) { return true }
        }
        return false
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func convert(_ node: xmlNodePtr, depth: Int, budget: inout Int) throws -> XMLElement {
        guard depth < maximumDepth else {
            throw MediaError.make(.limitExceeded, "the XML nests elements deeper than \(maximumDepth) levels")
        }
        budget -= 1
        guard budget >= 0 else {
            throw MediaError.make(.limitExceeded, "the XML has more than \(maximumElements) elements")
        }
        let name = string(node.pointee.name) ?? ""
        var element = XMLElement(
            namespaceURI: string(node.pointee.ns?.pointee.href), prefix: string(node.pointee.ns?.pointee.prefix), localName: name)
        var declaration = node.pointee.nsDef
        while let current = declaration {
            element.namespaceDeclarations.append(
                XMLNamespaceDeclaration(prefix: string(current.pointee.prefix), uri: string(current.pointee.href) ?? ""))
            declaration = current.pointee.next
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            if let content = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: content)
                // libxml2's xmlFree is a mutable global Swift 6 refuses to touch; ailabel never replaces
                // libxml2's allocator, so it is the C library's free.
                free(content)
            }
            element.attributes.append(
                XMLAttribute(
                    namespaceURI: string(current.pointee.ns?.pointee.href), prefix: string(current.pointee.ns?.pointee.prefix),
                    localName: string(current.pointee.name) ?? "", value: value))
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(.element(try convert(current, depth: depth + 1, budget: &budget)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { element.children.append(.text(String(cString: content))) }
            default:
                break  // comments and processing instructions carry no XMP
            }
            child = current.pointee.next
        }
        return element
    }
}

/// Writes an element tree as XML text.
public enum XMLTreeSerializer {
    public static func serialize(_ element: XMLElement, indent: Int = 0, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        out += pad + "<" + element.qualifiedName
        for declaration in element.namespaceDeclarations {
            out += declaration.prefix.map { " xmlns:\($0)=\"" } ?? " xmlns=\""
            out += escape(declaration.uri, attribute: true) + "\""
        }
        for attribute in element.attributes {
            out += " " + attribute.qualifiedName + "=\"" + escape(attribute.value, attribute: true) + "\""
        }
        let elements = element.childElements
        let text = element.text
        if element.children.isEmpty || (elements.isEmpty && text.isEmpty) {
            out += "/>\n"
        } else if elements.isEmpty {
            out += ">" + escape(text, attribute: false) + "</" + element.qualifiedName + ">\n"
        } else {
            // Element-only content: whitespace between elements is formatting, not data (RDF/XML).
            out += ">\n"
            for child in elements { serialize(child, indent: indent + 1, into: &out) }
            out += pad + "</" + element.qualifiedName + ">\n"
        }
    }

    /// Whether XML 1.0's `Char` production admits a scalar (Swift strings hold no surrogates).
    public static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    public static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#xA;"
            case "\r": out += "&#xD;"
            case "\t" where attribute: out += "&#x9;"
            default:
                // XML 1.0 cannot carry these even as references (C0 controls other than tab and line feed,
                // U+FFFE, U+FFFF): one of them makes a whole JUnit or HTML report unreadable. They become
                // U+FFFD, visibly, rather than vanish (two names differing only by one stay different).
                if !isXMLCharacter(scalar) {
                    out.unicodeScalars.append("\u{FFFD}")
                    continue
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
