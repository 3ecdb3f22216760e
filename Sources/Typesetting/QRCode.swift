import CQREncode

/// QR codes through libqrencode (error correction level M, byte mode).
public enum QRCode {
    /// The modules for `payload`, or nil when it is too long for a QR code.
    public static func encode(_ payload: String) -> QRMatrix? {
        guard let code = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        return QRMatrix(width: width, modules: data.map { $0 & 1 == 1 })
    }
}
