/// Numbers that the word right before them says are something else: a tracking, order,
/// invoice or reference number, in the languages of the data Gatehouse sees. Only the weakest
/// detector (phone numbers, which have no check digit) asks: a national-format phone number and
/// a parcel's tracking number can have exactly the same shape.
enum LabelledNumber {
    /// Lower-case words that label a number (ASCII letters are compared without case).
    static let labels: Set<String> = [
        "tracking", "trace", "order", "invoice", "ref", "reference", "parcel", "shipment", "ticket", "case", "po",
        "isbn", "issn", "ean", "gtin", "upc", "sku", "serial",
        "sendungsnummer", "bestellnummer", "bestellung", "rechnung", "rechnungsnummer", "auftrag", "auftragsnummer", "paket",
        "bestelnummer", "bestelling", "factuur", "factuurnummer", "zending", "pakket", "referentie",
        "commande", "facture", "colis", "suivi",
        "pedido", "factura", "seguimiento", "paquete", "referencia",
        "ordine", "fattura", "spedizione", "pacco", "riferimento",
        "zamowienie", "zamówienie", "faktura", "przesylka", "przesyłka", "przesyłki", "paczka", "paczki",
    ]

    static func isLabelledOtherwise(_ b: UnsafeRawBufferPointer, before start: Int) -> Bool {
        // Back over separators (`tracking: `, `order #`, `Sendungsnummer -`), then one word.
        var end = start
        var skipped = 0
        while end > 0, skipped < 4, [ASCII.space, ASCII.colon, 0x23, ASCII.hyphen, ASCII.dot].contains(b[end - 1]) {
            end -= 1
            skipped += 1
        }
        guard skipped > 0 else { return false }
        // A word: ASCII letters and the bytes of non-ASCII letters (`przesyłki`).
        let isWordByte = { (c: UInt8) in ASCII.isLetter(c) || c >= 0x80 }
        var wordStart = end
        while wordStart > 0, end - wordStart < 24, isWordByte(b[wordStart - 1]) { wordStart -= 1 }
        guard wordStart < end, !isWordByte(b.byte(wordStart - 1)) else { return false }
        // Compared byte by byte: this runs for most numbers in prose, and a String would allocate.
        guard let candidates = labelsByLength[end - wordStart] else { return false }
        return candidates.contains { label in label.indices.allSatisfy { ASCII.lower(b[wordStart + $0]) == label[$0] } }
    }

    /// The labels as UTF-8 bytes, by length in bytes.
    static let labelsByLength: [Int: [[UInt8]]] = Dictionary(grouping: labels.map { Array($0.utf8) }, by: \.count)
}
