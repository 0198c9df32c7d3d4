import Foundation

/// Writes every byte to a file descriptor, at `offset` (pwrite) or else at its position (write):
/// a short write or EINTR continues where it stopped. False on failure, with `errno` set.
/// The one write loop for private files and the ledger's durable files.
public func writeAll(_ bytes: [UInt8], to descriptor: Int32, at offset: Int? = nil) -> Bool {
    var done = 0
    while done < bytes.count {
        let count = bytes[done...].withUnsafeBytes { buffer in
            offset.map { pwrite(descriptor, buffer.baseAddress, buffer.count, off_t($0 + done)) }
                ?? Foundation.write(descriptor, buffer.baseAddress, buffer.count)
        }
        if count < 0 {
            if errno == EINTR { continue }
            return false
        }
        done += count
    }
    return true
}
