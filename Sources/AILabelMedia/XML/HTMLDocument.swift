internal import CAILabelXML2

#if canImport(Glibc)
import Glibc
#endif

/// An HTML element as the page verifier reads it: lower-cased names, attributes in document order,
/// text and element children. Comments and processing instructions are dropped.
public struct HTMLElement: Sendable, Hashable {
    public var name: String
    public var attributes: [(name: String, value: String)]
    public var children: [HTMLChild]

    public init(name: String, attributes: [(name: String, value: String)] = [], children: [HTMLChild] = []) {
        self.name = name
        self.attributes = attributes
        self.children = children
    }

    /// The value of an attribute, by case-insensitive name.
    public func attribute(_ name: String) -> String? {
        let wanted = name.lowercased()
        return attributes.first { $0.name == wanted }?.value
    }

    public var childElements: [HTMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The text of every descendant, in document order.
    public var allText: String {
        var out = ""
        func walk(_ element: HTMLElement) {
            for child in element.children {
                switch child {
                case .text(let text): out += text
                case .element(let inner): walk(inner)
                }
            }
        }
        walk(self)
        return out
    }

    public static func == (lhs: HTMLElement, rhs: HTMLElement) -> Bool {
        lhs.name == rhs.name && lhs.children == rhs.children && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        for attribute in attributes {
            hasher.combine(attribute.name)
            hasher.combine(attribute.value)
        }
        hasher.combine(children)
    }
}

public indirect enum HTMLChild: Sendable, Hashable {
    case element(HTMLElement)
    case text(String)
}

/// Parses HTML with libxml2's HTML parser under rules safe for hostile input: no network, no entity
/// declarations honoured (the HTML parser knows only the predefined HTML entities), errors suppressed
/// (never printed), and limits on size, depth and element count.
public enum HTMLDocumentParser {
    /// Largest page accepted.
    public static let maximumSize = 16 * 1024 * 1024
    /// Deepest element nesting accepted.
    public static let maximumDepth = 256
    /// Most elements accepted in one page.
    public static let maximumElements = 200_000
    /// Most attributes on one element (libxml2's tree costs their square).
    public static let maximumAttributes = 4_096

    /// Parses a page, read as UTF-8, into its root element (`html`, implied when the page omits it).
    public static func parse(_ bytes: some Collection<UInt8>) throws -> HTMLElement {
        var data = Array(bytes)
        guard data.count <= maximumSize else {
            throw MediaError.make(.limitExceeded, "the HTML page is \(data.count) bytes, over the \(maximumSize)-byte limit")
        }
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        guard !data.isEmpty else { throw MediaError.make(.empty, "the HTML page is empty") }
        guard MarkupAttributeScan.largestTag(data, html: true, limit: maximumAttributes) <= maximumAttributes else {
            throw MediaError.make(.limitExceeded, "an element of the HTML page has more than \(maximumAttributes) attributes")
        }
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_IGNORE_ENC.rawValue)
        let document = data.withUnsafeBufferPointer { buffer -> htmlDocPtr? in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    htmlReadMemory(chars, Int32(buffer.count), "page.html", "UTF-8", options)
                }
            }
        }
        xmlResetLastError()
        guard let document else { throw MediaError.make(.libraryFailure, "the HTML page could not be parsed") }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw MediaError.make(.malformed, "the HTML page has no root element")
        }
        var budget = maximumElements
        return try convert(root, depth: 0, budget: &budget)
    }

    private static func convert(_ node: xmlNodePtr, depth: Int, budget: inout Int) throws -> HTMLElement {
        guard depth < maximumDepth else {
            throw MediaError.make(.limitExceeded, "the HTML nests elements deeper than \(maximumDepth) levels")
        }
        budget -= 1
        guard budget >= 0 else {
            throw MediaError.make(.limitExceeded, "the HTML has more than \(maximumElements) elements")
        }
        var element = HTMLElement(name: (node.pointee.name.map { String(cString: $0) } ?? "").lowercased())
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            if let content = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: content)
                free(content)  // libxml2's xmlFree is the C library's free (see XMLTree.swift)
            }
            let name = (current.pointee.name.map { String(cString: $0) } ?? "").lowercased()
            element.attributes.append((name: name, value: value))
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
                break
            }
            child = current.pointee.next
        }
        return element
    }
}
