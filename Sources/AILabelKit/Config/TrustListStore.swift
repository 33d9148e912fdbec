import AILabelManifest
import AILabelMedia
import Foundation
import X509

/// The C2PA trust lists installed in the user's configuration folder: the claim-signing list
/// (`C2PA-TRUST-LIST.pem`) and the time-stamp authority list (`C2PA-TSA-TRUST-LIST.pem`) the C2PA
/// conformance program publishes, kept together in one file (`trust-lists.json`) that is replaced
/// atomically, so an install that fails half-way leaves the previous lists whole.
public struct TrustListStore: Sendable {
    public static let signerList = "C2PA-TRUST-LIST"
    public static let timeStampList = "C2PA-TSA-TRUST-LIST"
    /// Where the conformance program publishes the lists (its repository's `trust-list/` folder).
    public static let defaultSource = "https://raw.githubusercontent.com/c2pa-org/conformance-public/main/trust-list/"
    /// A list is a few dozen certificates (under 40 KB today); anything past this is not a trust list.
    public static let maxListBytes = 2 << 20
    public static let fileName = "trust-lists.json"

    /// The configuration folder (`$XDG_CONFIG_HOME/ailabel`, else `~/.config/ailabel`).
    public let folder: String
    public var path: String { folder + "/" + Self.fileName }

    public init(folder: String) { self.folder = folder }

    /// The store in the user's configuration folder; nil when neither XDG_CONFIG_HOME nor HOME is set.
    public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> TrustListStore? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") { return TrustListStore(folder: base + "/ailabel") }
        if let home = environment["HOME"], !home.isEmpty { return TrustListStore(folder: home + "/.config/ailabel") }
        return nil
    }

    /// What is installed.
    public struct Installed: Sendable, Codable, Hashable {
        /// The claim-signing anchors (PEM, as published).
        public var signers: String
        /// The time-stamp authority anchors (PEM, as published).
        public var timeStampAuthorities: String
        /// `ListIssueDateTime` and `NextUpdate` of the list's JSON form, when it was installed with it.
        public var issued: String?
        public var nextUpdate: String?
        /// Where the lists came from (an address or a path) and when they were installed.
        public var source: String
        public var installed: String
    }

    /// The installed lists; nil when none is installed. A store file that cannot be read is an error,
    /// never silently "no lists".
    public func load() throws -> Installed? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(path, maximumSize: 4 * Self.maxListBytes)
        } catch {
            throw TrustListError(.unreadable, "\(path): \(error)")
        }
        do {
            return try JSONDecoder().decode(Installed.self, from: Data(bytes))
        } catch {
            throw TrustListError(.unreadable, "\(path) is not a trust-list store ailabel wrote (\(error)); run `ailabel trust update` again")
        }
    }

    /// The anchors the installed lists give a validator: claim signers and time-stamp authorities.
    public func trust() throws -> (signers: [ParsedCertificate], timeStampAuthorities: [ParsedCertificate], installed: Installed)? {
        guard let installed = try load() else { return nil }
        let signers = TrustConfiguration.readList(installed.signers)
        let authorities = TrustConfiguration.readList(installed.timeStampAuthorities)
        return (signers.certificates, authorities.certificates, installed)
    }

    /// Checks both lists and installs them in one atomic replacement. Each list must be text holding at
    /// least one certificate, and every certificate in it must be readable: a truncated or tampered
    /// download is refused with the certificate named, and the installed lists stay as they were.
    @discardableResult
    public func install(signers: [UInt8], timeStampAuthorities: [UInt8], metadata: [UInt8]?, source: String,
                        now: Date = Date()) throws -> InstallSummary {
        let signerText = try Self.checkedList(signers, name: Self.signerList)
        let authorityText = try Self.checkedList(timeStampAuthorities, name: Self.timeStampList)
        var installed = Installed(
            signers: signerText.text, timeStampAuthorities: authorityText.text, issued: nil, nextUpdate: nil,
            source: source, installed: ISO8601DateFormatter().string(from: now))
        if let metadata {
            let dates = try Self.listDates(metadata)
            installed.issued = dates.issued
            installed.nextUpdate = dates.nextUpdate
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(Array(try encoder.encode(installed)), to: path)
        } catch let error as TrustListError {
            throw error
        } catch {
            throw TrustListError(.writeFailed, "cannot write \(path): \(error)")
        }
        return InstallSummary(signerCount: signerText.count, timeStampCount: authorityText.count, issued: installed.issued, path: path)
    }

    public struct InstallSummary: Sendable, Hashable {
        public var signerCount: Int
        public var timeStampCount: Int
        public var issued: String?
        public var path: String
    }

    static func checkedList(_ bytes: [UInt8], name: String) throws -> (text: String, count: Int) {
        guard bytes.count <= maxListBytes else {
            throw TrustListError(.invalidList, "\(name) is \(bytes.count) bytes, more than a trust list's limit of \(maxListBytes)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TrustListError(.invalidList, "\(name) is not text (not a PEM bundle)")
        }
        let begins = text.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
        let ends = text.components(separatedBy: "-----END CERTIFICATE-----").count - 1
        let (certificates, unreadable) = TrustConfiguration.readList(text)
        guard unreadable.isEmpty else {
            throw TrustListError(.invalidList, "\(name) has certificates that cannot be read: \(unreadable.map(\.description).joined(separator: "; "))")
        }
        guard begins == ends, certificates.count == begins else {
            throw TrustListError(.invalidList, "\(name) is cut short: \(begins) certificates begin but \(certificates.count) end")
        }
        guard !certificates.isEmpty else {
            throw TrustListError(.invalidList, "\(name) holds no certificate")
        }
        return (text, certificates.count)
    }

    /// `ListIssueDateTime` and `NextUpdate` of a list's JSON form (ETSI TS 119 612 "LoTE" layout).
    static func listDates(_ bytes: [UInt8]) throws -> (issued: String?, nextUpdate: String?) {
        guard bytes.count <= 4 * maxListBytes,
            let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let information = (root["LoTE"] as? [String: Any])?["ListAndSchemeInformation"] as? [String: Any]
        else {
            throw TrustListError(.invalidList, "\(signerList).json is not the list's JSON form (no LoTE.ListAndSchemeInformation)")
        }
        return (information["ListIssueDateTime"] as? String, information["NextUpdate"] as? String)
    }
}

/// Why trust lists could not be installed or read; `code` is stable.
public struct TrustListError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable = "trust-list.unreadable"
        case invalidList = "trust-list.invalid"
        case writeFailed = "trust-list.write-failed"
        case downloadFailed = "trust-list.download-failed"
    }
    public var code: Code
    public var reason: String
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
    public var description: String { reason }
    public static func == (a: TrustListError, b: TrustListError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
