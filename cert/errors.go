package cert

import "vaxbook"

// The refusals of Verify and Challenge. Each is a *vaxbook.Error whose message is fit
// for the resident; compare with errors.Is. They are shared values: never modify one.
//
// The codes are the existing domain codes: CodeInvalidInput for what no honest client
// sends (malformed or altered input), CodeCodeExpired for a challenge to be fetched
// again (expired or already used: the cure is the same), and CodeVerifyFailed for a
// certificate or signature the method does not accept.
var (
	ErrNoDevice = vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"Your browser session is missing; reload the page.")
	ErrInputTooLarge = vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"The certificate or signature sent is too large.")

	ErrChallengeMalformed = vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"The challenge is malformed. Please request a new one.")
	ErrChallengeForged = vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"The challenge was not issued by this service or was altered. Please request a new one.")
	ErrChallengeDevice = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The challenge was issued to another browser session. Please request a new one.")
	ErrChallengeExpired = vaxbook.Errorf(vaxbook.CodeCodeExpired,
		"The challenge has expired. Please request a new one and sign it within the time shown.")
	ErrChallengeReused = vaxbook.Errorf(vaxbook.CodeCodeExpired,
		"The challenge has already been used. Please request a new one.")

	ErrChainMalformed = vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"The certificate could not be read. Send the certificate chain as PEM or DER, leaf first.")
	ErrPrivateKeySent = vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"Send only the certificate, never its private key.")
	ErrSignatureMalformed = vaxbook.Errorf(vaxbook.CodeInvalidInput,
		"The signature is missing or malformed.")

	ErrBadSignature = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The signature does not match this challenge and certificate. Please request a new challenge and sign it again.")
	ErrKeyUnsupported = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The certificate's key type is not supported. Use an ECDSA P-256 or RSA (2048 bits or more) certificate.")
	ErrCertExpired = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The certificate has expired. Renew it with its issuer, or choose another method.")
	ErrCertNotYetValid = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The certificate is not valid yet. Check your device's date, or choose another method.")
	ErrCertUntrusted = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The certificate was not issued by an accepted certificate authority.")
	ErrCertUsage = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The certificate may not be used for signing in. Use a certificate issued for identification.")
	ErrCertRevoked = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The certificate has been revoked. Choose another certificate or method.")
	ErrCertNoIdentity = vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The certificate does not name a person this service can identify.")

	ErrBusy = vaxbook.Errorf(vaxbook.CodeUnavailable,
		"Certificate verification is busy. Please try again or choose another method.")
)
