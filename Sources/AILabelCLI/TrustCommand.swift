import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelNetwork
import ArgumentParser
import Foundation
import X509

/// `ailabel trust`: the C2PA trust lists verify uses by default.
struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Install and show the C2PA trust lists that verify uses by default.",
        discussion: """
            The lists (claim signers, and time-stamp authorities) are kept in $XDG_CONFIG_HOME/ailabel \
            (else ~/.config/ailabel) as trust-lists.json. verify trusts them unless --no-default-trust is given.
            """,
        subcommands: [Update.self, Show.self]
    )

    static func store() throws -> TrustListStore {
        guard let store = TrustListStore.user() else {
            throw ValidationError("neither XDG_CONFIG_HOME nor HOME is set, so there is no configuration folder for the trust lists")
        }
        return store
    }
}

extension TrustCommand {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Download the C2PA trust lists (or install them from local copies).",
            discussion: """
                Downloads C2PA-TRUST-LIST.pem, C2PA-TSA-TRUST-LIST.pem and C2PA-TRUST-LIST.json (for the \
                list's issue date) from --source, the conformance program's published folder by default \
                (or AILABEL_TRUST_LIST_URL). Every certificate must be readable; a bad or partial download \
                is refused and the lists installed before stay.

                Examples:
                  ailabel trust update
                  ailabel trust update --from ../shared/trust-lists/
                  ailabel trust update --from C2PA-TRUST-LIST.pem --tsa-from C2PA-TSA-TRUST-LIST.pem
                """
        )

        @Option(name: .long, help: "A folder holding C2PA-TRUST-LIST.pem and C2PA-TSA-TRUST-LIST.pem, or the signer list itself.", completion: .file())
        var from: String?

        @Option(name: .customLong("tsa-from"), help: "The time-stamp authority list, when --from names a file (default: C2PA-TSA-TRUST-LIST.pem beside it).", completion: .file())
        var tsaFrom: String?

        @Option(name: .long, help: "The folder address the lists are downloaded from.")
        var source: String?

        @Option(name: .long, help: "Seconds allowed for each download.")
        var timeout: Double = 30

        @Option(name: .customLong("allowed-host"), parsing: .singleValue, help: "A host the download may go to over plain HTTP or at a private address (a mirror; repeatable).")
        var allowedHost: [String] = []

        func validate() throws {
            guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
            if tsaFrom != nil && from == nil { throw ValidationError("--tsa-from goes with --from") }
        }

        func run() throws {
            let store = try TrustCommand.store()
            let summary: TrustListStore.InstallSummary
            do {
                if let from {
                    summary = try installFromFiles(from, store: store)
                } else {
                    summary = try download(into: store)
                }
            } catch let error as TrustListError {
                StandardError.write("ailabel: trust update: \(error.reason)")
                StandardError.write("ailabel: the installed trust lists were not changed")
                throw ExitCode(1)
            }
            print("Installed \(summary.signerCount) claim-signing anchors and \(summary.timeStampCount) time-stamp authority anchors"
                  + (summary.issued.map { " (list issued \($0))" } ?? "") + " in \(summary.path)")
        }

        func installFromFiles(_ path: String, store: TrustListStore) throws -> TrustListStore.InstallSummary {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("--from: \(path) does not exist")
            }
            let folder = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
            let signerPath = isDirectory.boolValue ? folder + "/\(TrustListStore.signerList).pem" : path
            let tsaPath = tsaFrom ?? (folder.isEmpty ? "." : folder) + "/\(TrustListStore.timeStampList).pem"
            let signers = try read(signerPath)
            let authorities = try read(tsaPath)
            let metadataPath = (folder.isEmpty ? "." : folder) + "/\(TrustListStore.signerList).json"
            let metadata = FileManager.default.fileExists(atPath: metadataPath) ? try read(metadataPath) : nil
            return try store.install(signers: signers, timeStampAuthorities: authorities, metadata: metadata,
                                     source: URL(fileURLWithPath: signerPath).standardizedFileURL.path)
        }

        func read(_ path: String) throws -> [UInt8] {
            do {
                return try FileReader.read(path, maximumSize: TrustListStore.maxListBytes * 4)
            } catch {
                throw TrustListError(.unreadable, "cannot read \(path): \(error)")
            }
        }

        func download(into store: TrustListStore) throws -> TrustListStore.InstallSummary {
            var base = source ?? ProcessInfo.processInfo.environment["AILABEL_TRUST_LIST_URL"] ?? TrustListStore.defaultSource
            if !base.hasSuffix("/") { base += "/" }
            let policy = FetchPolicy(maxBytes: TrustListStore.maxListBytes, timeout: timeout, allowedHosts: Set(allowedHost))
            func fetch(_ name: String) throws -> [UInt8] {
                switch BoundedFetch.get(base + name, policy: policy) {
                case .success(let bytes): return bytes
                case .failure(let error): throw TrustListError(.downloadFailed, "cannot download \(error.description) [\(error.code.rawValue)]")
                }
            }
            let signers = try fetch("\(TrustListStore.signerList).pem")
            let authorities = try fetch("\(TrustListStore.timeStampList).pem")
            // The JSON form only gives the issue date: without it the lists are still installed.
            var metadata: [UInt8]?
            switch BoundedFetch.get(base + "\(TrustListStore.signerList).json", policy: FetchPolicy(maxBytes: TrustListStore.maxListBytes * 4, timeout: timeout, allowedHosts: Set(allowedHost))) {
            case .success(let bytes): metadata = bytes
            case .failure(let error): StandardError.write("ailabel: trust update: no issue date (\(error.description))")
            }
            return try store.install(signers: signers, timeStampAuthorities: authorities, metadata: metadata, source: base)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "List the installed trust anchors with issuer and expiry, and the list's issue date."
        )

        func run() throws {
            let store = try TrustCommand.store()
            let installed: TrustListStore.Installed
            do {
                guard let found = try store.load() else {
                    print("No C2PA trust list is installed in \(store.folder). Install it with: ailabel trust update")
                    return
                }
                installed = found
            } catch let error as TrustListError {
                StandardError.write("ailabel: \(error.reason)")
                throw ExitCode(1)
            }
            print("C2PA trust lists in \(store.path)")
            print("  issued: \(installed.issued ?? "not stated (installed without C2PA-TRUST-LIST.json)")"
                  + (installed.nextUpdate.map { ", next update \($0)" } ?? ""))
            print("  source: \(installed.source)")
            print("  installed: \(installed.installed)")
            let now = Date()
            for (title, pem) in [("Claim-signing anchors", installed.signers), ("Time-stamp authority anchors", installed.timeStampAuthorities)] {
                let (certificates, unreadable) = TrustConfiguration.readList(pem)
                print("")
                print("\(title) (\(certificates.count)):")
                for certificate in certificates {
                    let expiry = ISO8601DateFormatter().string(from: certificate.notValidAfter)
                    let expired = certificate.notValidAfter < now ? " EXPIRED" : ""
                    print("  \(Self.name(certificate.subject, fallback: certificate.subjectDescription))")
                    print("    issuer: \(Self.name(certificate.issuer, fallback: "unreadable name"))  expires: \(expiry)\(expired)")
                }
                for problem in unreadable { print("  unreadable \(problem)") }
            }
        }

        /// The common name and organisation of a distinguished name, else the whole name.
        static func name(_ name: DistinguishedName?, fallback: String) -> String {
            guard let name else { return fallback }
            var common: String?
            var organization: String?
            for rdn in name {
                for attribute in rdn {
                    if attribute.type == .RDNAttributeType.commonName { common = String(describing: attribute.value) }
                    if attribute.type == .RDNAttributeType.organizationName { organization = String(describing: attribute.value) }
                }
            }
            switch (common, organization) {
            case let (c?, o?): return "\(c) (\(o))"
            case let (c?, nil): return c
            case let (nil, o?): return o
            default: return String(describing: name)
            }
        }
    }
}
