import StarCertCore
import Typesetting

/// The certification body that signs reports and certificates.
///
/// Until issuer profiles exist, every document names the built-in default: the standard's
/// publisher. Its verification address uses the reserved `.invalid` domain, since no real
/// verification service exists yet; certificates are marked as specimens.
public struct Issuer: Hashable, Sendable {
    public var name: String
    public var nameEnglish: String
    public var verificationBaseURL: String
    public var address: String?
    /// The body's accreditation or approval number (批准号), printed on certificates.
    public var approvalNumber: String?
    /// The seal (公章) printed beside the issuer on certificates, PNG or JPEG.
    public var seal: ImageData?
    /// The body's logo, on report covers and certificates.
    public var logo: ImageData?
    /// The IANA time zone the body counts days in (the documents' dates start there).
    public var timeZone: String

    public init(name: String, nameEnglish: String, verificationBaseURL: String, address: String? = nil, approvalNumber: String? = nil,
                seal: ImageData? = nil, logo: ImageData? = nil, timeZone: String = IssuerProfile.defaultTimeZone) {
        self.name = name
        self.nameEnglish = nameEnglish
        self.verificationBaseURL = verificationBaseURL
        self.address = address
        self.approvalNumber = approvalNumber
        self.seal = seal
        self.logo = logo
        self.timeZone = timeZone
    }

    public static let builtInDefault = Issuer(
        name: "北京坤标检验认证有限公司",
        nameEnglish: "Beijing Kunbiao Inspection and Certification Co., Ltd.",
        verificationBaseURL: "https://verify.starcert.invalid/certificates")
}

extension IssuerProfile {
    /// The issuer as the documents show it, with its seal and logo pictures when they are set.
    public func issuer() throws -> Issuer {
        func picture(_ key: String, _ value: String?) throws -> ImageData? {
            guard let value else { return nil }
            let place = locations[key].map { "\($0)" } ?? file
            return try Picture.load(path(of: value), for: "\(place): the `\(key)` of the issuer profile")
        }
        return Issuer(name: name, nameEnglish: nameEnglish, verificationBaseURL: verificationBaseURL, address: address,
                      approvalNumber: approvalNumber, seal: try picture("seal", seal), logo: try picture("logo", logo), timeZone: timeZone)
    }
}
