// Package sts implements the AWS Security Token Service operations of the
// server over the awsQuery protocol: AssumeRole, GetFederationToken,
// GetSessionToken, GetCallerIdentity and GetAccessKeyInfo, and the unsigned
// federation calls AssumeRoleWithWebIdentity (webidentity.go: the JWT
// verified against the issuer's JWKS) and AssumeRoleWithSAML (saml.go: the
// assertion's XML signature verified against the SAML provider's
// certificate); docs/federation.md describes them.
//
// Temporary credentials have access key IDs beginning with ASIA. They are
// stored as a store.Session whose secret access key and session token are
// sealed together with authz.SealSessionSecret under the temporary access
// key ID; only the SHA-256 of the token is stored in the clear. The
// server's credential lookup (authz.NewCredentialStore) resolves them to
// the role session, federated user or IAM user they stand for, and the
// SigV4 verifier refuses them after their expiration with ExpiredToken.
//
// Every operation except GetCallerIdentity and GetSessionToken, which
// need no permission, is authorized with the Authorizer: AssumeRole as
// sts:AssumeRole on the role's ARN with the role's trust policy as the
// resource-based policy that must itself allow the caller (plus
// sts:TagSession when session tags are passed and sts:SetSourceIdentity
// when a source identity is set), GetFederationToken as
// sts:GetFederationToken on the federated user's ARN, GetAccessKeyInfo as
// sts:GetAccessKeyInfo on "*".
//
// Choices where AWS leaves room or the server has less than AWS:
//
//   - GetSessionToken and AssumeRole with SerialNumber and TokenCode check
//     the code against the calling IAM user's virtual MFA device
//     (internal/mfa) and accept each code once; the sessions they issue
//     carry aws:MultiFactorAuthPresent true and aws:MultiFactorAuthAge.
//     A role session assumed with credentials that were issued with MFA
//     is MFA-authenticated too; its aws:MultiFactorAuthAge counts from its
//     own issue time, not from the first session's.
//   - SerialNumber without TokenCode, or the reverse, is a ValidationError.
//   - The packed size of session policies and tags is the length of the
//     compacted inline policy, the managed policy ARNs and the tag keys and
//     values, as a percentage of 2048 characters; above 100 % the call fails
//     with PackedPolicyTooLarge.
//   - A PolicyArns entry that does not name an existing managed policy of
//     the account (or a known AWS managed policy) is InvalidParameterValue.
//   - GetAccessKeyInfo answers only for keys this server issued; AWS decodes
//     the account from any key ID.
//   - Sessions are kept for ExpiredSessionRetention after they expire (so
//     that their keys get ExpiredToken), then deleted when new credentials
//     are issued. AssumeRole records the role's last use at most once a
//     minute per role.
//   - Credentials from GetFederationToken can call only GetCallerIdentity
//     in STS; AssumeRole credentials cannot call GetFederationToken or
//     GetSessionToken (spec §8.2, §8.3).
package sts

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/mfa"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// Deps are what the STS operations need.
type Deps struct {
	// Store holds roles, users, policies and the sessions issued.
	Store store.Store
	// Box seals the secrets of temporary credentials.
	Box *secretbox.Box
	// Authorizer authorizes the operations (an *authz.Engine).
	Authorizer authz.Authorizer
	// ManagedPolicy returns the document of an AWS managed policy, for
	// validating PolicyArns; nil accepts no AWS managed session policies.
	ManagedPolicy func(arn string) (document string, ok bool)
	// Catalog supplies condition key types to the session policy and
	// trust policy compiler; nil compiles without them.
	Catalog *catalog.Catalog
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limits of the STS API (spec §8.1).
const (
	// MinDuration is the shortest DurationSeconds of every operation.
	MinDuration = 900 * time.Second
	// MaxAssumeRoleDuration is the longest DurationSeconds of AssumeRole;
	// the role's MaxSessionDuration may lower it.
	MaxAssumeRoleDuration = 43200 * time.Second
	// MaxFederationDuration is the longest DurationSeconds of
	// GetFederationToken and GetSessionToken.
	MaxFederationDuration = 129600 * time.Second
	// DefaultRoleDuration is the duration of AssumeRole sessions by default.
	DefaultRoleDuration = time.Hour
	// DefaultTokenDuration is the duration of GetFederationToken and
	// GetSessionToken credentials by default.
	DefaultTokenDuration = 43200 * time.Second
	// RoleChainingMaxSession caps sessions obtained with role credentials.
	RoleChainingMaxSession = time.Hour
	// RootMaxSession caps credentials obtained by the root user.
	RootMaxSession = time.Hour
	// MaxPackedSize is the size, in characters, that PackedPolicySize
	// reports percentages of.
	MaxPackedSize = 2048
	// MaxSessionTags is the largest number of session tags.
	MaxSessionTags = 50
	// MaxPolicyArns is the largest number of managed session policies.
	MaxPolicyArns = 10
	// ExpiredSessionRetention is how long sessions are kept after they
	// expire, so that their credentials are refused with ExpiredToken
	// rather than InvalidClientTokenId; older ones are deleted.
	ExpiredSessionRetention = 24 * time.Hour
	// housekeepingInterval is the least time between two deletions of
	// expired sessions, and between two recordings of a role's last use.
	housekeepingInterval = time.Minute
)

// Patterns of the STS model (spec §8.1).
var (
	reSessionName    = regexp.MustCompile(`[\w+=,.@-]*`)
	reExternalID     = regexp.MustCompile(`[\w+=,.@:\/-]*`)
	reSerialNumber   = regexp.MustCompile(`[\w+=/:,.@-]*`)
	reTokenCode      = regexp.MustCompile(`[\d]*`)
	reAccessKeyID    = regexp.MustCompile(`[\w]*`)
	reTagKey         = regexp.MustCompile(`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	reTagValue       = regexp.MustCompile(`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
	reSessionPolicy  = regexp.MustCompile(`[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)
	reFederationName = reSessionName
)

// Service is the STS implementation registered on a server.
type Service struct {
	d Deps

	jwks *jwksCache // issuers' key sets, for AssumeRoleWithWebIdentity

	mu        sync.Mutex
	lastPurge time.Time
	roleUsed  map[string]time.Time // role ARN to last recorded use
}

// Register registers the STS operations on srv and returns the service.
func Register(srv *server.Server, d Deps) *Service {
	s := &Service{d: d, roleUsed: map[string]time.Time{}, jwks: newJWKSCache()}
	for name, h := range map[string]func(context.Context, *server.QueryCall) (any, error){
		"AssumeRole":         s.assumeRole,
		"GetFederationToken": s.getFederationToken,
		"GetSessionToken":    s.getSessionToken,
		"GetCallerIdentity":  s.getCallerIdentity,
		"GetAccessKeyInfo":   s.getAccessKeyInfo,
	} {
		srv.RegisterQuery("sts", name, validated(name, h))
	}
	for name, h := range s.moreOperations() {
		srv.RegisterQuery("sts", name, validated(name, h))
	}
	// The federation operations are unsigned, as in AWS: the token or
	// assertion is the credential.
	srv.RegisterUnsignedQuery("sts", "AssumeRoleWithWebIdentity", server.QueryHandlerFunc(s.assumeRoleWithWebIdentity))
	srv.RegisterUnsignedQuery("sts", "AssumeRoleWithSAML", server.QueryHandlerFunc(s.assumeRoleWithSAML))
	return s
}

// validated wraps the handler of operation name with the validation of
// its input against AWS's STS model, before the handler runs (AWS's front
// end answers a malformed request before it authorizes anything).
func validated(name string, h func(context.Context, *server.QueryCall) (any, error)) server.QueryHandler {
	m := apimodel.MustLoad("sts")
	mop := m.Operations[name]
	return server.QueryHandlerFunc(func(ctx context.Context, qc *server.QueryCall) (any, error) {
		if mop != nil && authz.AuthCaller(qc.Auth) != nil {
			qc.Params.Validate(m, mop)
			if err := qc.Params.Err(); err != nil {
				return nil, err
			}
		}
		return h(ctx, qc)
	})
}

func (s *Service) now() time.Time {
	if s.d.Now != nil {
		return s.d.Now()
	}
	return time.Now()
}

// Result shapes, as the STS API returns them.
type (
	credentialsXML struct {
		AccessKeyID     string        `xml:"AccessKeyId"`
		SecretAccessKey string        `xml:"SecretAccessKey"`
		SessionToken    string        `xml:"SessionToken"`
		Expiration      awsquery.Time `xml:"Expiration"`
	}
	assumeRoleResult struct {
		Credentials     credentialsXML `xml:"Credentials"`
		AssumedRoleUser struct {
			Arn           string `xml:"Arn"`
			AssumedRoleID string `xml:"AssumedRoleId"`
		} `xml:"AssumedRoleUser"`
		PackedPolicySize *int   `xml:"PackedPolicySize,omitempty"`
		SourceIdentity   string `xml:"SourceIdentity,omitempty"`
	}
	federationResult struct {
		Credentials   credentialsXML `xml:"Credentials"`
		FederatedUser struct {
			FederatedUserID string `xml:"FederatedUserId"`
			Arn             string `xml:"Arn"`
		} `xml:"FederatedUser"`
		PackedPolicySize *int `xml:"PackedPolicySize,omitempty"`
	}
	sessionTokenResult struct {
		Credentials credentialsXML `xml:"Credentials"`
	}
	callerIdentityResult struct {
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
		Arn     string `xml:"Arn"`
	}
	accessKeyInfoResult struct {
		Account string `xml:"Account"`
	}
)

// Errors.

func accessDenied(msg string) error {
	return awsquery.NewError(http.StatusForbidden, "AccessDenied", msg)
}

func invalidParam(msg string) error {
	return awsquery.NewError(http.StatusBadRequest, "InvalidParameterValue", msg)
}

func validationError(msg string) error {
	return awsquery.NewError(http.StatusBadRequest, "ValidationError", msg)
}

func malformedPolicy(msg string) error {
	return awsquery.NewError(http.StatusBadRequest, "MalformedPolicyDocument", msg)
}

// authorize asks the Authorizer and turns a denial into AccessDenied.
func (s *Service) authorize(ctx context.Context, call *server.QueryCall, req *authz.Request) error {
	req.HTTP = call.HTTPRequest
	if call.Auth != nil {
		req.Region = call.Auth.Region
	}
	err := s.d.Authorizer.Authorize(ctx, req)
	var ad *authz.AccessDeniedError
	if errors.As(err, &ad) {
		return accessDenied(ad.Message)
	}
	return err
}

func callerOf(call *server.QueryCall) (*authz.Caller, error) {
	if c := authz.AuthCaller(call.Auth); c != nil {
		return c, nil
	}
	return nil, errors.New("sts: the request has no authenticated caller: the server's credential store must set an *authz.Caller as the principal")
}

// GetCallerIdentity needs no permission: even an explicit deny does not
// stop it.
func (s *Service) getCallerIdentity(_ context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	if err := call.Params.Err(); err != nil {
		return nil, err
	}
	return &callerIdentityResult{UserID: c.UserID, Account: c.AccountID, Arn: c.ARN}, nil
}

func (s *Service) getAccessKeyInfo(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	p := call.Params
	id := p.Required("AccessKeyId")
	p.Length("AccessKeyId", 16, 128)
	p.Pattern("AccessKeyId", reAccessKeyID)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if c.Kind == authz.FederatedUserCaller {
		return nil, accessDenied("Cannot call GetAccessKeyInfo with federated user credentials: credentials from GetFederationToken can call only GetCallerIdentity in STS.")
	}
	if err := s.authorize(ctx, call, &authz.Request{Caller: c, Action: "sts:GetAccessKeyInfo", Resource: "*"}); err != nil {
		return nil, err
	}
	var account string
	err = s.d.Store.View(ctx, func(tx store.ReadTx) error {
		if k, err := tx.GetAccessKey(id); err == nil {
			account = k.AccountID
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		sess, err := tx.GetSession(id)
		if err != nil {
			return err
		}
		account = sess.AccountID
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalidParam(fmt.Sprintf("The access key ID %s was not issued by this server; GetAccessKeyInfo knows only the keys of its IAM users and STS sessions.", id))
	}
	if err != nil {
		return nil, err
	}
	return &accessKeyInfoResult{Account: account}, nil
}

// issued is a new set of temporary credentials.
type issued struct {
	id, secret, token string
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}

func newCredentials() issued {
	return issued{
		id:     store.NewID("ASIA", 20),
		secret: randomString(30),  // 40 characters
		token:  randomString(192), // 256 characters
	}
}

// storeSession seals the credentials into sess and stores it, running
// extra in the same transaction.
func (s *Service) storeSession(ctx context.Context, cr issued, sess store.Session, extra func(tx store.Tx) error) error {
	sess.ID = cr.id
	sess.SecretCiphertext = authz.SealSessionSecret(s.d.Box, cr.id, cr.secret, cr.token)
	sess.TokenHash = authz.TokenHashOf(cr.token)
	purge := s.due(&s.lastPurge, sess.Created)
	return s.d.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateSession(sess); err != nil {
			return err
		}
		if purge {
			if _, err := tx.DeleteExpiredSessions(sess.Created.Add(-ExpiredSessionRetention)); err != nil {
				return err
			}
		}
		if extra != nil {
			return extra(tx)
		}
		return nil
	})
}

// due reports whether the housekeeping interval has passed since *last,
// and if so sets *last to now.
func (s *Service) due(last *time.Time, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := now.Sub(*last); d >= 0 && d < housekeepingInterval {
		return false
	}
	*last = now
	return true
}

// roleUseDue reports whether the last use of a role should be recorded.
func (s *Service) roleUseDue(roleARN string, now time.Time) bool {
	s.mu.Lock()
	last := s.roleUsed[roleARN]
	s.mu.Unlock()
	if d := now.Sub(last); d >= 0 && d < housekeepingInterval {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.roleUsed) > 10000 {
		clear(s.roleUsed)
	}
	s.roleUsed[roleARN] = now
	return true
}

func (cr issued) xml(exp time.Time) credentialsXML {
	return credentialsXML{AccessKeyID: cr.id, SecretAccessKey: cr.secret, SessionToken: cr.token, Expiration: awsquery.Time(exp)}
}

// duration reads DurationSeconds with its default.
func duration(p *awsquery.Request, def time.Duration) time.Duration {
	n, ok := p.Int("DurationSeconds")
	if !ok {
		return def
	}
	return time.Duration(n) * time.Second
}

// MFA errors, in AWS's words.
const (
	mfaUnableMessage  = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
	mfaInvalidMessage = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
)

// verifyMFA checks SerialNumber and TokenCode, when the request has them,
// against the virtual MFA device of the calling IAM user, and consumes the
// code's time step so that it is accepted once. It reports whether the
// request authenticated with MFA.
func (s *Service) verifyMFA(ctx context.Context, p *awsquery.Request, c *authz.Caller) (bool, error) {
	serial, hasSerial := p.Lookup("SerialNumber")
	code, hasCode := p.Lookup("TokenCode")
	switch {
	case !hasSerial && !hasCode:
		return false, nil
	case !hasCode:
		return false, validationError("TokenCode is required with SerialNumber: pass the current six-digit code of the MFA device.")
	case !hasSerial:
		return false, validationError("SerialNumber is required with TokenCode: pass the ARN of the MFA device (ListMFADevices lists them).")
	}
	userName := ""
	if c.Kind == authz.UserCaller || c.Kind == authz.SessionTokenCaller {
		userName = c.UserName
	}
	if userName == "" {
		// Only IAM users have virtual MFA devices here: the root user's
		// devices are managed in the console, which connect-iam does not
		// have.
		return false, accessDenied(mfaUnableMessage)
	}
	now := s.now()
	var verr error
	err := s.d.Store.Update(ctx, func(tx store.Tx) error {
		d, err := mfa.Get(tx, s.d.Box, c.AccountID, serial)
		if errors.Is(err, store.ErrNotFound) {
			verr = accessDenied(mfaUnableMessage)
			return nil
		}
		if err != nil {
			return err
		}
		switch err := d.Verify(code, userName, now); {
		case errors.Is(err, mfa.ErrNotAssigned):
			verr = accessDenied(mfaUnableMessage)
			return nil
		case errors.Is(err, mfa.ErrInvalidCode):
			verr = accessDenied(mfaInvalidMessage)
			return nil
		case err != nil:
			return err
		}
		_, err = mfa.Save(tx, s.d.Box, d)
		return err
	})
	if err != nil {
		return false, err
	}
	if verr != nil {
		return false, verr
	}
	return true, nil
}

func mfaParams(p *awsquery.Request) {
	p.Length("SerialNumber", 9, 256)
	p.Pattern("SerialNumber", reSerialNumber)
	p.Length("TokenCode", 6, 6)
	p.Pattern("TokenCode", reTokenCode)
}

// sessionPolicies are the validated session policies of a request.
type sessionPolicies struct {
	inline string // compacted, "" if none
	arns   []string
	size   int // packed size in characters, with the tags
	given  bool
}

// readSessionPolicies validates Policy and PolicyArns. account is the
// account the managed policies must belong to.
func (s *Service) readSessionPolicies(ctx context.Context, p *awsquery.Request, account string, maxPolicyLen int) (*sessionPolicies, error) {
	p.Length("Policy", 1, maxPolicyLen)
	p.Pattern("Policy", reSessionPolicy)
	members := p.Members("PolicyArns", []string{"arn"}, "arn")
	if len(members) > MaxPolicyArns {
		p.Violate("PolicyArns", fmt.Sprintf("Member must have length less than or equal to %d", MaxPolicyArns))
	}
	for i, m := range members {
		if a := m["arn"]; len(a) < 20 || len(a) > 2048 {
			p.Violate(fmt.Sprintf("PolicyArns.member.%d.arn", i+1), "Member must have length between 20 and 2048")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	sp := &sessionPolicies{}
	if doc, ok := p.Lookup("Policy"); ok {
		sp.given = true
		compacted, err := s.checkPolicy(doc)
		if err != nil {
			return nil, err
		}
		sp.inline = compacted
		sp.size += len(compacted)
	}
	for _, m := range members {
		a := m["arn"]
		sp.given = true
		if err := s.checkPolicyARN(ctx, account, a); err != nil {
			return nil, err
		}
		sp.arns = append(sp.arns, a)
		sp.size += len(a)
	}
	return sp, nil
}

// checkPolicy parses and compiles a session policy and returns it
// compacted.
func (s *Service) checkPolicy(doc string) (string, error) {
	parsed, err := policy.Parse([]byte(doc))
	if err != nil {
		return "", malformedPolicy("The session policy is not valid: " + err.Error())
	}
	opts := []eval.Option{eval.WithType(eval.Session), eval.WithName("session policy")}
	if s.d.Catalog != nil {
		opts = append(opts, eval.WithKeyTypes(s.d.Catalog.KeyTypeName))
	}
	if _, err := eval.Compile(parsed, opts...); err != nil {
		return "", malformedPolicy("The session policy is not valid: " + err.Error())
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(doc)); err != nil {
		return "", malformedPolicy("The session policy is not valid JSON: " + err.Error())
	}
	return b.String(), nil
}

func (s *Service) checkPolicyARN(ctx context.Context, account, a string) error {
	if authz.IsAWSManaged(a) {
		if s.d.ManagedPolicy != nil {
			if _, ok := s.d.ManagedPolicy(a); ok {
				return nil
			}
		}
		return invalidParam(fmt.Sprintf("The session policy %s is not an AWS managed policy this server knows; use one listed by ListPolicies with Scope=AWS.", a))
	}
	parts := strings.SplitN(a, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "policy/") {
		return invalidParam(fmt.Sprintf("The session policy ARN %s is not a managed policy ARN; write arn:aws:iam::ACCOUNT:policy/NAME.", a))
	}
	if parts[4] != account {
		return invalidParam(fmt.Sprintf("The session policy %s belongs to account %s; session policies must be managed policies of account %s.", a, parts[4], account))
	}
	err := s.d.Store.View(ctx, func(tx store.ReadTx) error {
		_, err := tx.GetPolicy(account, a)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return invalidParam(fmt.Sprintf("The session policy %s does not exist; create it first or remove it from PolicyArns.", a))
	}
	return err
}

// packedSize returns PackedPolicySize, a percentage of MaxPackedSize, or
// PackedPolicyTooLarge.
func packedSize(size int) (*int, error) {
	pct := (size*100 + MaxPackedSize - 1) / MaxPackedSize
	if pct > 100 {
		return nil, awsquery.NewError(http.StatusBadRequest, "PackedPolicyTooLarge",
			fmt.Sprintf("Packed size of the session policies and session tags consumes %d%% of the allotted space; shorten the policy or pass fewer tags.", pct))
	}
	return &pct, nil
}

// readTags validates Tags and returns them.
func readTags(p *awsquery.Request) []store.Tag {
	members := p.Members("Tags", []string{"Key", "Value"}, "Key", "Value")
	if len(members) > MaxSessionTags {
		p.Violate("Tags", fmt.Sprintf("Member must have length less than or equal to %d", MaxSessionTags))
	}
	tags := make([]store.Tag, 0, len(members))
	for i, m := range members {
		k, v := m["Key"], m["Value"]
		kn, vn := fmt.Sprintf("Tags.member.%d.Key", i+1), fmt.Sprintf("Tags.member.%d.Value", i+1)
		p.Length(kn, 1, 128)
		p.Pattern(kn, reTagKey)
		p.Length(vn, 0, 256)
		p.Pattern(vn, reTagValue)
		tags = append(tags, store.Tag{Key: k, Value: v})
	}
	return tags
}

// duplicateKey returns a tag key given twice, compared case-insensitively.
func duplicateKey(tags []store.Tag) (string, bool) {
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return t.Key, true
		}
		seen[k] = true
	}
	return "", false
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// tagContext adds aws:RequestTag/KEY and aws:TagKeys for tags.
func tagContext(c map[string][]string, tags []store.Tag) {
	if len(tags) == 0 {
		return
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		c["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	c["aws:TagKeys"] = keys
}
