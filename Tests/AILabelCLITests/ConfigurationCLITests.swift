import AILabelTestSupport
import Foundation
import Testing

@Suite("The configuration file")
struct ConfigurationCLITests {
    @Test("A config file that is missing, not TOML, of the wrong shape or with unknown keys is bad usage (64), named in the message, before any file is written")
    func unusableConfigIsBadUsage() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = Repository.fixture("media/photo-640x480.jpg").path
        let out = folder.appendingPathComponent("out")
        let notTOML = folder.appendingPathComponent("broken.toml")
        try "[label\nproducer = ".write(to: notTOML, atomically: true, encoding: .utf8)
        let wrongShape = folder.appendingPathComponent("shape.toml")
        try "[label]\nlanguages = \"kk\"\n".write(to: wrongShape, atomically: true, encoding: .utf8)
        let missing = folder.appendingPathComponent("absent.toml")
        let misspelt = folder.appendingPathComponent("misspelt.toml")
        try "[label]\nproducer = \"X\"\nproducer_ID = \"1\"\n[lable]\nai_system = \"Y\"\n".write(to: misspelt, atomically: true, encoding: .utf8)

        for config in [notTOML, wrongShape, missing, misspelt] {
            let stamp = try ProcessRunner.ailabel(["stamp", image, "--out", out.path, "--config", config.path])
            #expect(stamp.status == 64, "stamp with \(config.lastPathComponent): \(stamp.stderr)")
            #expect(stamp.stderr.contains(config.lastPathComponent), "the message names the file: \(stamp.stderr)")
            let verify = try ProcessRunner.ailabel(["verify", image, "--config", config.path])
            #expect(verify.status == 64, "verify with \(config.lastPathComponent): \(verify.stderr)")
            #expect(verify.stderr.contains(config.lastPathComponent), "the message names the file: \(verify.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing was written")
        let unknown = try ProcessRunner.ailabel(["verify", image, "--config", misspelt.path])
        #expect(unknown.stderr.contains("label.producer_ID") && unknown.stderr.contains("lable"), "every unknown key is named: \(unknown.stderr)")
    }

    @Test("[trust] allowed is read relative to the config file; an unreadable list is bad usage (64)")
    func allowedListPaths() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = Repository.fixture("media/photo-640x480.jpg").path
        let config = folder.appendingPathComponent("ailabel.toml")
        try "[trust]\nallowed = [\"allowed.pem\"]\n".write(to: config, atomically: true, encoding: .utf8)
        let absent = try ProcessRunner.ailabel(["verify", image, "--config", config.path])
        #expect(absent.status == 64, "\(absent.stderr)")
        #expect(absent.stderr.contains(folder.appendingPathComponent("allowed.pem").path), "resolved beside the config: \(absent.stderr)")

        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        try FileManager.default.copyItem(
            at: keys.appendingPathComponent("signer-chain.pem"), to: folder.appendingPathComponent("allowed.pem"))
        let present = try ProcessRunner.ailabel(["verify", image, "--config", config.path], directory: URL(fileURLWithPath: "/"))
        #expect(present.status == 0, "read from the config's folder whatever the working directory: \(present.stderr)")
    }
}
