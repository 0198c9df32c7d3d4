import GatehouseCore
import Testing

@testable import GatehouseConfig

/// The example of docs/configuration.md, with real files behind its paths.
@Suite struct FullExampleTests {
    static let yaml = """
        data_dir: ./gatehouse-data          # state: SQLite event store, dev issuer key

        listeners:
          postgres:
            address: 127.0.0.1
            port: 6432
            tls:
              cert: certs/gateway.pem
              key: certs/gateway.key
            allow_cleartext_token_on_loopback: false
            max_message_bytes: 67108864
          http:
            address: 127.0.0.1
            port: 8080
            tls: { cert: certs/http.pem, key: certs/http.key }

        identity:
          issuers:
            - issuer: https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0
              audiences: [api://gatehouse]
              discovery_url: https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration
              groups_claim: groups
              algorithms: [RS256, ES256, EdDSA]
              leeway_seconds: 60
          dev_issuer:
            enabled: true
            audience: gatehouse
            token_ttl_seconds: 3600

        connections:
          - name: demo
            type: postgres
            upstream:
              host: 127.0.0.1
              port: 5432
              database: shop
              user: gatehouse_demo
              password_env: DEMO_PG_PASSWORD
              sslmode: verify-full
              ca_file: certs/upstream-ca.pem
            allowed_groups: [engineers]
            personal_data:
              - table: public.customers
                columns:
                  full_name: name
                  email: contact
                  phone: contact
                  national_id: national-id
                  card_number: financial
                  iban: financial
              - table: public.support_notes
                category: free-text
            masking:
              strategies: { email: partial }

        masking:
          key_env: GATEHOUSE_MASKING_KEY
          detectors: [email, payment-card, iban, us-ssn, phone, ipv4, ipv6, de-tax-id, nl-bsn, es-dni, fr-nir, it-codice-fiscale,
                      pl-pesel, be-national-number, pt-nif, se-personnummer, dk-cpr, fi-hetu, at-svnr, uk-nino, ie-ppsn]
          phone_regions: [DE, NL, FR]
          strategies:
            default: redact
            email: pseudonym
          categories:
            free-text: detect
            name: pseudonym
          custom_patterns:
            - name: order-ref
              regex: 'ORD-[0-9]{8}'
          dictionaries:
            - name: vip-customer
              terms: [Alice Example, Bob Example]
        """

    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func everyValueIsRead() throws {
        let config = try fixture.parse(Self.yaml)
        let dir = fixture.directory
        #expect(config.sourcePath == fixture.configPath)
        #expect(config.dataDirectory == dir + "/gatehouse-data")

        #expect(config.postgresListener.address == "127.0.0.1")
        #expect(config.postgresListener.port == 6432)
        #expect(config.postgresListener.tls == TLSFiles(certificatePath: dir + "/certs/gateway.pem", keyPath: dir + "/certs/gateway.key"))
        #expect(config.postgresListener.allowCleartextTokenOnLoopback == false)
        #expect(config.postgresListener.maxMessageBytes == 67_108_864)
        #expect(config.httpListener.port == 8080)
        #expect(config.httpListener.tls == TLSFiles(certificatePath: dir + "/certs/http.pem", keyPath: dir + "/certs/http.key"))

        let issuer = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
        #expect(
            config.issuers == [
                IssuerSettings(
                    issuer: issuer, audiences: ["api://gatehouse"],
                    discoveryURL: issuer + "/.well-known/openid-configuration", groupsClaim: "groups",
                    algorithms: ["RS256", "ES256", "EdDSA"], leewaySeconds: 60)
            ])
        #expect(config.devIssuer == DevIssuerSettings(audience: "gatehouse", tokenTTLSeconds: 3600))

        #expect(config.connections.count == 1)
        let demo = try #require(config.connection(named: "demo"))
        #expect(demo.type == .postgres)
        #expect(demo.upstream.host == "127.0.0.1")
        #expect(demo.upstream.port == 5432)
        #expect(demo.upstream.database == "shop")
        #expect(demo.upstream.user == "gatehouse_demo")
        #expect(demo.upstream.password == .environment("DEMO_PG_PASSWORD"))
        #expect(demo.upstream.sslMode == .verifyFull)
        #expect(demo.upstream.caFile == dir + "/certs/upstream-ca.pem")
        #expect(demo.allowedGroups == ["engineers"])
        #expect(config.connection(named: "other") == nil)
    }

    @Test func personalDataBecomesTheClassification() throws {
        let demo = try #require(try fixture.parse(Self.yaml).connection(named: "demo"))
        let customers = RelationName(schema: "public", name: "customers")
        let table = try #require(demo.personalData.table(customers))
        #expect(table.category == nil)
        #expect(
            table.columns == [
                "full_name": "name", "email": "contact", "phone": "contact", "national_id": "national-id",
                "card_number": "financial", "iban": "financial",
            ])
        #expect(demo.personalData.category(of: ColumnReference(relation: customers, column: "email")) == "contact")
        let notes = RelationName(name: "support_notes")
        #expect(demo.personalData.category(of: ColumnReference(relation: notes, column: "body")) == "free-text")
    }

    @Test func maskingIsRead() throws {
        let config = try fixture.parse(Self.yaml)
        let masking = config.masking
        #expect(masking.key == .environment("GATEHOUSE_MASKING_KEY"))
        #expect(masking.detectors == MaskingConfiguration.builtinDetectors)
        #expect(masking.phoneRegions == ["DE", "NL", "FR"])
        #expect(masking.rules == MaskingRules(
            defaultStrategy: .redact, strategies: ["email": .pseudonym], categories: ["free-text": .detect, "name": .pseudonym]))
        #expect(masking.customPatterns == [CustomPatternSettings(name: "order-ref", regex: "ORD-[0-9]{8}")])
        #expect(masking.dictionaries == [TermDictionarySettings(name: "vip-customer", terms: .inline(["Alice Example", "Bob Example"]))])
        let demo = try #require(config.connection(named: "demo"))
        #expect(demo.masking == MaskingRules(strategies: ["email": .partial]))
        #expect(config.maskingRules(for: demo).strategies == ["email": .partial])
        #expect(config.maskingRules(for: demo).detectOnlyCategories == ["free-text"])
    }

    @Test func loadReadsTheSameFileFromDisk() throws {
        try fixture.write(Self.yaml, to: "gatehouse.yaml")
        let config = try GatehouseConfiguration.load(path: fixture.configPath)
        #expect(config.connections.first?.name == "demo")
        #expect(config.dataDirectory == fixture.directory + "/gatehouse-data")
    }
}
