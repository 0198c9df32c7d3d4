import Foundation
import Testing

@testable import GatehouseConfig

@Suite struct PathResolutionTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func relativePathsResolveAgainstTheConfigDirectoryNotTheWorkingDirectory() throws {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "data_dir: data", with: "data_dir: ./state/../gatehouse-data/")
        let config = try fixture.parse(yaml)
        #expect(config.dataDirectory == fixture.directory + "/gatehouse-data")
        #expect(FileManager.default.currentDirectoryPath != fixture.directory)
    }

    @Test func absolutePathsAreKept() throws {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "data_dir: data", with: "data_dir: /var/lib//gatehouse")
        #expect(try fixture.parse(yaml).dataDirectory == "/var/lib/gatehouse")
    }

    @Test func tlsPathsAreAbsolute() throws {
        let yaml = MinimalConfig.text.replacingOccurrences(
            of: "data_dir: data\n",
            with: "data_dir: data\nlisteners:\n  postgres:\n    tls: {cert: ./certs/gateway.pem, key: \(fixture.directory)/certs/gateway.key}\n")
        let tls = try #require(try fixture.parse(yaml).postgresListener.tls)
        #expect(tls.certificatePath == fixture.directory + "/certs/gateway.pem")
        #expect(tls.keyPath == fixture.directory + "/certs/gateway.key")
    }

    @Test func relativeSourcePathResolvesAgainstTheWorkingDirectory() throws {
        let config = try GatehouseConfiguration.parse(yaml: MinimalConfig.text, sourcePath: "conf/gatehouse.yaml")
        #expect(config.sourcePath == "conf/gatehouse.yaml")
        #expect(config.dataDirectory == PathResolver.normalized(FileManager.default.currentDirectoryPath + "/conf/data"))
    }

    @Test func normalisationIsLexical() {
        #expect(PathResolver.normalized("/a/./b/../c//d/") == "/a/c/d")
        #expect(PathResolver.normalized("/../x") == "/x")
        #expect(PathResolver.absolute("x/y", against: "/base") == "/base/x/y")
        #expect(PathResolver.parentDirectory(of: "/gatehouse.yaml") == "/")
        #expect(PathResolver.parentDirectory(of: "/etc/gatehouse/gatehouse.yaml") == "/etc/gatehouse")
    }
}
