package iam

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"

	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store"
)

// OutboundKeys are an account's outbound web identity federation state
// as STS GetWebIdentityToken needs it.
type OutboundKeys struct {
	Enabled bool
	// Issuer is the "iss" of the account's tokens.
	Issuer string
	// RS256 and ES384 sign the tokens of those algorithms.
	RS256 crypto.Signer
	ES384 crypto.Signer
}

// sealedOutboundKeys are the signing keys of an account, PKCS #8, each
// sealed with the box bound to the account and algorithm.
type sealedOutboundKeys struct {
	RS256 []byte `json:"rs256"`
	ES384 []byte `json:"es384"`
}

// newOutboundKeys generates and seals the account's signing keys.
func newOutboundKeys(box *secretbox.Box, acct string) ([]byte, error) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ek, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	var s sealedOutboundKeys
	for _, k := range []struct {
		key any
		alg string
		out *[]byte
	}{{rk, "RS256", &s.RS256}, {ek, "ES384", &s.ES384}} {
		der, err := x509.MarshalPKCS8PrivateKey(k.key)
		if err != nil {
			return nil, err
		}
		*k.out = box.Seal(der, []byte(acct+"/"+k.alg))
	}
	return encodeAttrs(s), nil
}

// ReadOutboundKeys reads an account's outbound web identity federation
// state and opens its signing keys.
func ReadOutboundKeys(tx store.ReadTx, box *secretbox.Box, acct string) (OutboundKeys, error) {
	_, s, err := readSetting(tx, acct, settingOutbound)
	if err != nil || !s.Enabled {
		return OutboundKeys{Issuer: s.Issuer}, err
	}
	var sealed sealedOutboundKeys
	if err := decodeJSON(s.SigningKey, &sealed); err != nil {
		return OutboundKeys{}, fmt.Errorf("iam: decoding the outbound signing keys of account %s: %w", acct, err)
	}
	out := OutboundKeys{Enabled: true, Issuer: s.Issuer}
	for _, k := range []struct {
		sealed []byte
		alg    string
		out    *crypto.Signer
	}{{sealed.RS256, "RS256", &out.RS256}, {sealed.ES384, "ES384", &out.ES384}} {
		der, err := box.Open(k.sealed, []byte(acct+"/"+k.alg))
		if err != nil {
			return OutboundKeys{}, fmt.Errorf("iam: opening the %s signing key of account %s (was the server's secret key replaced?): %w", k.alg, acct, err)
		}
		key, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return OutboundKeys{}, err
		}
		*k.out = key.(crypto.Signer)
	}
	return out, nil
}

// decodeJSON decodes raw into v; empty raw leaves v unchanged.
func decodeJSON(raw []byte, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}
