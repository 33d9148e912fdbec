internal import CAILabelShims

#if canImport(Glibc)
import Glibc
#endif

/// What a written file inherits from the file it was made from: permission bits, owner, group and
/// extended attributes. A stamped copy of a 0600 file must not become 0644, a file owned by `nobody`
/// must not become root's because root rewrote it, and attributes (SELinux labels, quarantine marks,
/// a publisher's own tags) must survive.
public struct FileAttributes: Sendable, Hashable {
    /// Permission bits only: set-user-ID, set-group-ID and sticky bits are never carried to a new file.
    public var permissions: mode_t
    public var owner: uid_t
    public var group: gid_t
    /// Hard links to the inode (an in-place rewrite replaces one of them only).
    public var links: Int
    public var extendedAttributes: [ExtendedAttribute]

    public struct ExtendedAttribute: Sendable, Hashable {
        public var name: String
        public var value: [UInt8]
    }

    /// Most attribute bytes carried across, so a hostile file cannot make ailabel allocate without bound.
    static let maximumAttributeBytes = 1 << 20

    public init(permissions: mode_t, owner: uid_t, group: gid_t, links: Int = 1, extendedAttributes: [ExtendedAttribute] = []) {
        self.permissions = permissions
        self.owner = owner
        self.group = group
        self.links = links
        self.extendedAttributes = extendedAttributes
    }

    /// Reads the attributes of an open file.
    public init(descriptor: Int32, status: stat) {
        self.permissions = status.st_mode & 0o777
        self.owner = status.st_uid
        self.group = status.st_gid
        self.links = Int(status.st_nlink)
        self.extendedAttributes = Self.readExtendedAttributes(descriptor)
    }

    /// Whether nobody may write the file by its mode (root could, but a read-only file is a statement).
    public var isReadOnly: Bool { permissions & 0o222 == 0 }

    /// Gives `descriptor` these attributes. Owner first (changing it clears set-ID bits), then the mode,
    /// then the extended attributes. Returns what could not be carried, as warnings: an unprivileged
    /// process cannot give a file away, and some file systems take no extended attributes.
    @discardableResult
    public func apply(to descriptor: Int32) -> [String] {
        var warnings: [String] = []
        var current = stat()
        if fstat(descriptor, &current) == 0, current.st_uid != owner || current.st_gid != group {
            if fchown(descriptor, owner, group) != 0 {
                // Not allowed to give the file away: keep the group if we may, and never leave group or
                // others more access than the source gave its owner's group and others.
                if fchown(descriptor, uid_t.max, group) != 0 && current.st_gid != group {
                    warnings.append("the owner and group could not be kept (\(SystemError.sentence(errno)))")
                } else if current.st_uid != owner {
                    warnings.append("the owner could not be kept (\(SystemError.sentence(errno))); the file belongs to this process's user")
                }
            }
        }
        fchmod(descriptor, permissions)
        var failed: [String] = []
        for attribute in extendedAttributes {
            let result = attribute.value.withUnsafeBytes { CAILabel_fsetxattr(descriptor, attribute.name, $0.baseAddress, UInt($0.count), 0) }
            if result != 0 { failed.append(attribute.name) }
        }
        if !failed.isEmpty {
            warnings.append("extended attributes not kept: \(failed.joined(separator: ", ")) (\(SystemError.sentence(errno)))")
        }
        return warnings
    }

    static func readExtendedAttributes(_ descriptor: Int32) -> [ExtendedAttribute] {
        let size = Int(CAILabel_flistxattr(descriptor, nil, 0))
        guard size > 0, size <= maximumAttributeBytes else { return [] }
        var names = [CChar](repeating: 0, count: size)
        let listed = min(size, Int(CAILabel_flistxattr(descriptor, &names, UInt(size))))
        guard listed > 0 else { return [] }
        var attributes: [ExtendedAttribute] = []
        var total = 0
        for raw in names[0..<listed].split(separator: 0) {
            let name = String(decoding: raw.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let length = Int(CAILabel_fgetxattr(descriptor, name, nil, 0))
            guard length >= 0, total + length <= maximumAttributeBytes else { continue }
            var value = [UInt8](repeating: 0, count: length)
            let got = min(length, Int(value.withUnsafeMutableBytes { CAILabel_fgetxattr(descriptor, name, $0.baseAddress, UInt(length)) }))
            guard got >= 0 else { continue }
            total += got
            attributes.append(ExtendedAttribute(name: name, value: Array(value[0..<got])))
        }
        return attributes
    }
}
