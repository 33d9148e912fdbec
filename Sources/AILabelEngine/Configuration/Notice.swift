/// Something the library wants a person to know while it resolves settings (a key file others can
/// read, an unreadable certificate in a bundle, no trust list installed). A command line prints these
/// on standard error; a service logs them.
public struct Notice: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        /// Said as `warning: …`.
        case warning
        /// Said as it is.
        case note
    }

    public var severity: Severity
    public var message: String

    public init(_ severity: Severity, _ message: String) {
        self.severity = severity
        self.message = message
    }

    public var description: String { severity == .warning ? "warning: \(message)" : message }
}
