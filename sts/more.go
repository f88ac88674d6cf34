package sts

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// moreOperations are the STS operations beyond the credential-issuing
// core of sts.go.
func (s *Service) moreOperations() map[string]func(context.Context, *server.QueryCall) (any, error) {
	return map[string]func(context.Context, *server.QueryCall) (any, error){
		"DecodeAuthorizationMessage": s.decodeAuthorizationMessage,
		"GetWebIdentityToken":        s.getWebIdentityToken,
		"AssumeRoot":                 s.assumeRoot,
		"GetDelegatedAccessToken":    s.getDelegatedAccessToken,
	}
}

// decodeAuthorizationMessage opens an encoded authorization message of
// this server's access-denied errors (authz.EncodeAuthorizationMessage).
func (s *Service) decodeAuthorizationMessage(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	msg := call.Params.String("EncodedMessage")
	if err := s.authorize(ctx, call, &authz.Request{Caller: c, Action: "sts:DecodeAuthorizationMessage", Resource: "*"}); err != nil {
		return nil, err
	}
	b, err := authz.DecodeAuthorizationMessage(s.d.Box, strings.TrimSpace(msg))
	if err != nil {
		return nil, awsquery.NewError(http.StatusBadRequest, "InvalidAuthorizationMessageException",
			"The encoded message is invalid: "+err.Error()+"; pass the text after \"Encoded authorization failure message:\" unchanged.")
	}
	return struct {
		DecodedMessage string `xml:"DecodedMessage"`
	}{string(b)}, nil
}

// getWebIdentityToken mints a JWT for the caller, signed with its
// account's outbound federation key, when the account enabled outbound
// web identity federation (iam:EnableOutboundWebIdentityFederation).
func (s *Service) getWebIdentityToken(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	p := call.Params
	audience := p.List("Audience")
	alg := p.String("SigningAlgorithm")
	secs, ok := p.Int("DurationSeconds")
	if !ok {
		secs = 300
	}
	var tags []store.Tag
	for _, m := range p.Members("Tags", []string{"Key", "Value"}) {
		tags = append(tags, store.Tag{Key: m["Key"], Value: m["Value"]})
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	kv := map[string][]string{"sts:IdentityTokenAudience": audience, "sts:SigningAlgorithm": {alg},
		"sts:DurationSeconds": {fmt.Sprint(secs)}}
	if err := s.authorize(ctx, call, &authz.Request{Caller: c, Action: "sts:GetWebIdentityToken", Resource: "*", Context: kv}); err != nil {
		return nil, err
	}
	var keys iam.OutboundKeys
	err = s.d.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		keys, err = iam.ReadOutboundKeys(tx, s.d.Box, c.AccountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !keys.Enabled {
		return nil, awsquery.NewError(http.StatusForbidden, "OutboundWebIdentityFederationDisabledException",
			"Outbound web identity federation is disabled for account "+c.AccountID+"; enable it with iam enable-outbound-web-identity-federation.")
	}
	var key crypto.Signer
	switch alg {
	case "RS256":
		key = keys.RS256
	case "ES384":
		key = keys.ES384
	default:
		return nil, invalidParam("SigningAlgorithm " + alg + " is not supported: use RS256 or ES384.")
	}
	now := s.now().UTC().Truncate(time.Second)
	exp := now.Add(time.Duration(secs) * time.Second)
	claims := map[string]any{"iss": keys.Issuer, "sub": c.ARN, "iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"jti": randomString(16)}
	if len(audience) == 1 {
		claims["aud"] = audience[0]
	} else {
		claims["aud"] = audience
	}
	if len(tags) > 0 {
		t := map[string]string{}
		for _, tg := range tags {
			t[tg.Key] = tg.Value
		}
		claims["https://sts.amazonaws.com/"] = map[string]any{"request_tags": t, "aws_account": c.AccountID}
	}
	tok, err := signJWT(key, alg, claims)
	if err != nil {
		return nil, err
	}
	if len(tok) > 16384 {
		return nil, awsquery.NewError(http.StatusBadRequest, "JWTPayloadSizeExceededException", "The token's claims are too large: send fewer tags or audiences.")
	}
	return struct {
		WebIdentityToken string        `xml:"WebIdentityToken"`
		Expiration       awsquery.Time `xml:"Expiration"`
	}{tok, awsquery.Time(exp)}, nil
}

// signJWT encodes and signs a JWT (RFC 7519) with RS256 or ES384.
func signJWT(key crypto.Signer, alg string, claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": keyID(key)})
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(body)
	var sig []byte
	switch alg {
	case "RS256":
		sum := sha256.Sum256([]byte(signing))
		sig, err = key.Sign(rand.Reader, sum[:], crypto.SHA256)
	default:
		sum := sha512.Sum384([]byte(signing))
		ek, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return "", errors.New("sts: the ES384 key is not an ECDSA key")
		}
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, ek, sum[:])
		if err == nil {
			sig = make([]byte, 96)
			r.FillBytes(sig[:48])
			s.FillBytes(sig[48:])
		}
	}
	if err != nil {
		return "", err
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// keyID is the "kid" of a signing key: a hash of its public key.
func keyID(key crypto.Signer) string {
	b, _ := json.Marshal(key.Public())
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// rootTaskPolicies are the AWS managed policies AssumeRoot sessions are
// scoped to (arn:aws:iam::aws:policy/root-task/...).
var rootTaskPolicies = map[string]bool{
	"IAMAuditRootUserCredentials":  true,
	"IAMCreateRootUserPassword":    true,
	"IAMDeleteRootUserCredentials": true,
	"S3UnlockBucketPolicy":         true,
	"SQSUnlockQueuePolicy":         true,
}

// assumeRoot checks an AssumeRoot request as AWS does: the task policy
// must be one of the root-task policies, the caller needs sts:AssumeRoot
// on the target account's root, and the caller's organization must have
// enabled root sessions (iam:EnableOrganizationsRootSessions from its
// management account), which a standalone account cannot.
func (s *Service) assumeRoot(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	p := call.Params
	target := p.String("TargetPrincipal")
	task := p.String("TaskPolicyArn.arn")
	if err := p.Err(); err != nil {
		return nil, err
	}
	name, ok := strings.CutPrefix(task, "arn:aws:iam::aws:policy/root-task/")
	if !ok || !rootTaskPolicies[name] {
		return nil, invalidParam("TaskPolicyArn " + task + " is not a root-task policy: use arn:aws:iam::aws:policy/root-task/ followed by IAMAuditRootUserCredentials, IAMCreateRootUserPassword, IAMDeleteRootUserCredentials, S3UnlockBucketPolicy or SQSUnlockQueuePolicy.")
	}
	if !store.ValidAccountID(target) {
		return nil, invalidParam("TargetPrincipal " + target + " is not an account ID: write the 12-digit ID of a member account.")
	}
	if err := s.authorize(ctx, call, &authz.Request{Caller: c, Action: "sts:AssumeRoot", Resource: "arn:aws:iam::" + target + ":root",
		Context: map[string][]string{"sts:TaskPolicyArn": {task}}}); err != nil {
		return nil, err
	}
	return nil, invalidParam("TargetPrincipal " + target + " is not a member account of an organization with centralized root access: " +
		"account " + c.AccountID + " belongs to no organization whose management account ran iam enable-organizations-root-sessions.")
}

// getDelegatedAccessToken exchanges the trade-in token of a finalized
// delegation request. A token this server did not issue, or one whose
// request expired, is ExpiredTradeInTokenException, as AWS answers.
func (s *Service) getDelegatedAccessToken(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	token := call.Params.String("TradeInToken")
	if err := s.authorize(ctx, call, &authz.Request{Caller: c, Action: "sts:GetDelegatedAccessToken", Resource: "*"}); err != nil {
		return nil, err
	}
	_ = token
	return nil, awsquery.NewError(http.StatusBadRequest, "ExpiredTradeInTokenException",
		"The trade-in token is invalid or has expired: exchange the token of a finalized delegation request within its validity.")
}
