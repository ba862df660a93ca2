package cert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
)

// rawP256Len is the length of an ECDSA P-256 signature as WebCrypto returns it: r and s
// as 32-byte big-endian integers, one after the other (IEEE P1363), not ASN.1.
const rawP256Len = 64

// checkSignature checks that sig is the leaf key's signature over msg with SHA-256:
// ECDSA P-256 (ASN.1 DER as most libraries write it, or raw r||s as WebCrypto does), or
// RSA of 2048 bits or more (PKCS #1 v1.5, or PSS with any salt length).
//
// Errors: ErrSignatureMalformed, ErrKeyUnsupported, ErrBadSignature.
func checkSignature(leaf *x509.Certificate, msg, sig []byte) error {
	if len(sig) == 0 {
		return ErrSignatureMalformed
	}
	if len(sig) > MaxSignatureBytes {
		return ErrInputTooLarge
	}
	digest := sha256.Sum256(msg)
	switch pub := leaf.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return ErrKeyUnsupported
		}
		for _, der := range ecdsaSignatures(sig) {
			if ecdsa.VerifyASN1(pub, digest[:], der) {
				return nil
			}
		}
		return ErrBadSignature
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return ErrKeyUnsupported
		}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil ||
			rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil {
			return nil
		}
		return ErrBadSignature
	default:
		return ErrKeyUnsupported
	}
}

// ecdsaSignatures returns the ASN.1 DER encodings sig may stand for. A 64-byte value is
// read as raw r||s first; it is also tried as DER, because a DER signature with short r
// and s can be 64 bytes long too. Trying both is sound: each is checked against the key.
func ecdsaSignatures(sig []byte) [][]byte {
	if len(sig) != rawP256Len {
		return [][]byte{sig}
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	der, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		return [][]byte{sig} // cannot happen for non-negative integers
	}
	return [][]byte{der, sig}
}
