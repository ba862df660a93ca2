package signin

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"vaxbook/queue"
)

// DeviceTTL is how long a device token is accepted. A browser keeps its device across
// a whole evening (waiting room, verification, booking, and a sign-out and return),
// and a day is well within the cookie's own lifetime.
const DeviceTTL = 24 * time.Hour

// Devices issues and reads the device tokens that identify a browser for rule 7 and
// for the waiting room. A token is signed by the server (the waiting room's Signer), so
// a client cannot choose its device: one it did not get from the server is refused and
// replaced.
type Devices struct {
	signer *queue.Signer
}

// NewDevices returns Devices signing with signer.
func NewDevices(signer *queue.Signer) Devices { return Devices{signer: signer} }

// Valid reports whether d was made by NewDevices.
func (d Devices) Valid() bool { return d.signer != nil }

// ID returns the device id of a token the server issued less than DeviceTTL before
// now; ok is false for anything else.
func (d Devices) ID(token string, now time.Time) (id string, ok bool) {
	dev, err := d.signer.ParseDevice(token)
	if err != nil || !now.Before(dev.Issued.Add(DeviceTTL)) || dev.Issued.After(now.Add(time.Minute)) {
		return "", false
	}
	return deviceID(dev.ID), true
}

// Issue returns a new device token and its id.
func (d Devices) Issue(now time.Time) (token, id string) {
	var dev queue.Device
	rand.Read(dev.ID[:])
	dev.Issued = now
	return d.signer.SignDevice(dev), deviceID(dev.ID)
}

// deviceID is the hash the waiting room binds tickets and passes to, in hex: logs and
// stores see a device's id, never its token.
func deviceID(raw [16]byte) string {
	h := queue.DeviceHash(raw)
	return hex.EncodeToString(h[:])
}
