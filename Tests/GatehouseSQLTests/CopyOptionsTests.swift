import GatehouseCore
import Testing

/// COPY's layout options, which the gateway needs to split a COPY stream into fields.
@Suite struct CopyOptionsTests {
    @Test func defaultsToText() {
        #expect(analysis("COPY customers TO STDOUT").copy == CopyOptions())
        #expect(analysis("SELECT 1").copy == nil)
    }

    @Test func modernOptionList() {
        let copy = analysis("COPY (SELECT email FROM customers) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';', NULL 'nil', QUOTE '''', ESCAPE '\\')").copy
        #expect(copy == CopyOptions(format: .csv, delimiter: ";", null: "nil", quote: "'", escape: "\\", header: true))
    }

    @Test func olderSpellingAndBooleanForms() {
        #expect(analysis("COPY customers TO STDOUT CSV HEADER").copy == CopyOptions(format: .csv, header: true))
        #expect(analysis("COPY customers TO STDOUT (FORMAT csv, HEADER false)").copy == CopyOptions(format: .csv, header: false))
        #expect(analysis("COPY customers TO STDOUT (FORMAT csv, HEADER on)").copy?.header == true)
        #expect(analysis("COPY customers TO STDOUT (FORMAT binary)").copy?.format == .binary)
        #expect(analysis("COPY customers FROM STDIN (FORMAT text, DELIMITER '|')").copy == CopyOptions(delimiter: "|", fromClient: true))
    }

    @Test func onlyCopyFromStdinStreamsFromTheClient() {
        #expect(analysis("COPY customers FROM STDIN").copy?.fromClient == true)
        #expect(analysis("COPY customers TO STDOUT").copy?.fromClient == false)
        #expect(analysis("COPY customers FROM '/tmp/x.csv'").copy?.fromClient == false)
        #expect(analysis("COPY customers FROM PROGRAM 'cat /tmp/x'").copy?.fromClient == false)
    }
}
