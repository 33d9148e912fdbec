import AILabelMedia
import AILabelNetwork
import Foundation
import Testing

/// The SSRF rule of remote fetches: which addresses count as public.
@Suite("Network addresses: public or not")
struct NetworkAddressTests {
    @Test("Loopback, private, link-local, shared, multicast and reserved addresses are not public", arguments: [
        "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1",
        "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "64:ff9b::a00:1", "2002:a00:1::",
    ])
    func notPublic(_ text: String) throws {
        let address = try #require(NetworkAddress(text))
        #expect(!address.isPublic, "\(text)")
    }

    @Test("Public addresses are public", arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"])
    func isPublic(_ text: String) throws {
        #expect(try #require(NetworkAddress(text)).isPublic, "\(text)")
    }

    @Test("Names that are not addresses are resolved; what does not resolve gives nothing")
    func resolution() {
        #expect(NetworkAddress("localhost") == nil)
        #expect(NetworkAddress.resolve("localhost").allSatisfy { !$0.isPublic })
        #expect(!NetworkAddress.resolve("localhost").isEmpty)
        #expect(NetworkAddress.resolve("no-such-host.invalid").isEmpty)
        #expect(NetworkAddress.resolve("10.1.2.3") == [NetworkAddress("10.1.2.3")!])
    }
}
