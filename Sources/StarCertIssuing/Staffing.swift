import Crypto
import Foundation
import StarCertArchive
import StarCertCore

/// The body's people: each with roles and a personal signing key, so that every review, decision
/// and status change they make is signed by them. Adding and retiring people is signed by the
/// issuer's key.
public enum Staffing {
    /// The file a person's key is kept in, in the keys folder.
    public static func keyFile(staffID: Int64) -> String { "staff-\(staffID).key" }

    /// Adds `name` with `roles`: a new P-256 key is made in `keys` (`staff-ID.key`, mode 0600),
    /// unless `ownKey` names the key the person keeps themselves. Returns the person and where
    /// their key is.
    public static func add(name: String, roles: Set<Archive.Role>, archive: Archive, keys: URL, ownKey: String?) throws(SetupFailure) -> (staff: StaffRow, keyPath: String) {
        let issuer = try issuerSigner(keys)
        let key: P256.Signing.PrivateKey
        var pending: URL?
        if let ownKey {
            do {
                key = try SigningIdentity.readKey(ownKey)
            } catch {
                throw .unusable(error)
            }
        } else {
            key = P256.Signing.PrivateKey()
            // Written before the person is recorded, so that no one is ever recorded without a key.
            let temporary = keys.appendingPathComponent(".staff-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).key")
            do {
                try SigningIdentity.writePrivateKey(key, to: temporary)
            } catch {
                throw .unusable(error)
            }
            pending = temporary
        }
        let staff: StaffRow
        do {
            staff = try archive.addStaff(name: name, roles: roles, publicKey: key.publicKey, signer: issuer)
        } catch {
            if let pending { unlink(pending.path) }
            throw .refused("\(error)")
        }
        guard let pending else { return (staff, ownKey!) }
        let final = keys.appendingPathComponent(keyFile(staffID: staff.id ?? 0))
        guard link(pending.path, final.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw .refused("\(name) was added, but the key could not be named \(final.path) (\(reason)); it is at \(pending.path) — rename it by hand")
        }
        unlink(pending.path)
        return (staff, final.path)
    }

    /// Retires `name`: kept in the record, never able to act again.
    public static func retire(name: String, reason: String, archive: Archive, keys: URL) throws(SetupFailure) -> StaffRow {
        let issuer = try issuerSigner(keys)
        do {
            return try archive.retireStaff(name: name, reason: reason, signer: issuer)
        } catch {
            throw .refused("\(error)")
        }
    }

    static func issuerSigner(_ keys: URL) throws(SetupFailure) -> EventSigner {
        do {
            return EventSigner(actor: EventSigner.issuerActor, key: try SigningIdentity.load(from: keys).privateKey)
        } catch {
            throw .unusable(error)
        }
    }
}
