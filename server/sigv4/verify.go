package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultMaxSkew is the clock skew AWS allows between the request time and
// the server clock, in either direction.
const DefaultMaxSkew = 5 * time.Minute

// MaxPresignExpires is the longest X-Amz-Expires accepted: 7 days.
const MaxPresignExpires = 604800

// Verifier verifies SigV4-signed requests. The zero value (with Store set)
// accepts any service and region, a 5-minute skew and the system clock.
// A Verifier is safe for concurrent use.
type Verifier struct {
	// Store resolves access key IDs to credentials.
	Store CredentialStore
	// Services lists the signing names accepted in the credential scope,
	// for example "iam", "sts" or "connect". The first one is named in the
	// error message for a wrong service. Empty accepts any service.
	Services []string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxSkew is the allowed clock skew; zero means DefaultMaxSkew.
	MaxSkew time.Duration
}

// Result describes a request whose signature verified.
type Result struct {
	// AccessKeyID is the access key the request was signed with.
	AccessKeyID string
	// Credentials are those returned by the store, including Principal,
	// with SecretAccessKey cleared so that the secret does not travel
	// further (into logs, for instance) than verification.
	Credentials Credentials
	// Region and Service come from the credential scope.
	Region  string
	Service string
	// SignedHeaders are the lower-case header names covered by the signature.
	SignedHeaders []string
	// Presigned reports whether the signature came in the query string.
	Presigned bool
	// Time is the request time (X-Amz-Date, or Date).
	Time time.Time
	// Expires is the end of a presigned request's validity; zero otherwise.
	Expires time.Time
}

// Authorization is a parsed SigV4 Authorization header (or the equivalent
// presigned query parameters).
type Authorization struct {
	Algorithm string
	// Credential is the raw Credential value, "AKID/date/region/service/term".
	Credential string
	// Scope is Credential split into its five elements.
	Scope Scope
	// SignedHeaders are the names listed in SignedHeaders, in order.
	SignedHeaders []string
	// Signature is the hex signature as sent.
	Signature string
}

// ParseAuthorization parses the value of a SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=<hex>
//
// It checks the syntax only; the date header and the scope contents are
// checked by [Verifier.Verify]. Errors are [*Error] values of
// KindIncompleteSignature carrying AWS's message.
func ParseAuthorization(value string) (*Authorization, error) {
	a, problems, err := parseAuthorization(value)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, incompleteHeader(problems, value)
	}
	return &a, nil
}

func incompleteHeader(problems []string, value string) *Error {
	return newError(KindIncompleteSignature, strings.Join(problems, " ")+" Authorization="+value)
}

const (
	msgNeedCredential    = "Authorization header requires 'Credential' parameter."
	msgNeedSignature     = "Authorization header requires 'Signature' parameter."
	msgNeedSignedHeaders = "Authorization header requires 'SignedHeaders' parameter."
	msgNeedDate          = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
)

// parseAuthorization returns the parsed header, the list of AWS "requires"
// messages for missing parameters, or a hard syntax error.
func parseAuthorization(value string) (a Authorization, problems []string, err *Error) {
	v := strings.TrimLeft(value, " \t")
	alg, rest, _ := strings.Cut(v, " ")
	if alg != Algorithm {
		return a, nil, newError(KindIncompleteSignature,
			"Unsupported AWS 'algorithm': '"+alg+"'. Sign the request with AWS4-HMAC-SHA256 (Signature Version 4).")
	}
	a.Algorithm = alg
	var haveCred, haveSig, haveSH bool
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.Trim(part, " \t")
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return a, nil, newError(KindIncompleteSignature,
				"'"+part+"' not a valid key=value pair (missing equal-sign) in Authorization header: '"+value+"'")
		}
		var seen *bool
		switch k {
		case "Credential":
			seen = &haveCred
			a.Credential = val
		case "Signature":
			seen = &haveSig
			a.Signature = val
		case "SignedHeaders":
			seen = &haveSH
			a.SignedHeaders = strings.Split(val, ";")
		default:
			continue
		}
		if *seen {
			return a, nil, newError(KindIncompleteSignature,
				"Authorization header has more than one '"+k+"' parameter; send each of Credential, SignedHeaders and Signature once. Authorization="+value)
		}
		*seen = true
	}
	if !haveCred {
		problems = append(problems, msgNeedCredential)
	}
	if !haveSig {
		problems = append(problems, msgNeedSignature)
	}
	if !haveSH {
		problems = append(problems, msgNeedSignedHeaders)
	}
	if haveCred {
		s, err := parseCredential(a.Credential)
		if err != nil {
			return a, nil, err
		}
		a.Scope = s
	}
	return a, problems, nil
}

func parseCredential(c string) (Scope, *Error) {
	if strings.Count(c, "/") != 4 {
		return Scope{}, newError(KindIncompleteSignature,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"+c+"'")
	}
	var s Scope
	s.AccessKeyID, c, _ = strings.Cut(c, "/")
	s.Date, c, _ = strings.Cut(c, "/")
	s.Region, c, _ = strings.Cut(c, "/")
	s.Service, s.Terminator, _ = strings.Cut(c, "/")
	return s, nil
}

// request is the transport-independent view of the signature of a request.
type request struct {
	auth      Authorization
	presigned bool
	rawDate   string
	time      time.Time
	expires   time.Duration
	token     string
	hasToken  bool
}

// Presigned query parameters.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qSecurityToken = "X-Amz-Security-Token"
)

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

func hasQueryAuth(query []queryPair) bool {
	for _, p := range query {
		switch p.key {
		case qAlgorithm, qCredential, qSignature:
			return true
		}
	}
	return false
}

// Verify checks the SigV4 signature of r, whose body the caller has already
// read into body (the server computes the payload hash itself). It returns
// the verified identity, or an [*Error] describing the failure with AWS's
// code and message. r.Body is not read.
//
// The checks run in this order, and the first failure is returned: presence
// of exactly one transport; syntax of the Authorization header or query
// parameters and of the date; the credential scope (terminator, region,
// service, date); host and every sent x-amz-* header signed; clock skew or
// presigned expiry; X-Amz-Content-Sha256; the access key (store lookup);
// the session token; the signature; and last the expiry of temporary
// credentials, so that only a holder of the secret learns that a token has
// expired.
//
// The path is taken from r.RequestURI as received (server side) or from
// r.URL.EscapedPath() (client side), so percent-encoded ARNs in Connect
// paths are canonicalised exactly as the SDK signed them.
func (v *Verifier) Verify(r *http.Request, body []byte) (*Result, error) {
	now := v.now()
	query := parseQuery(r.URL.RawQuery)
	authz := r.Header.Get("Authorization")
	queryAuth := hasQueryAuth(query)

	var req request
	var err *Error
	switch {
	case authz != "" && queryAuth:
		return nil, newError(KindIncompleteSignature,
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case authz != "":
		req, err = parseHeaderAuth(r, authz)
	case queryAuth:
		req, err = parseQueryAuth(query)
	default:
		return nil, newError(KindMissingAuthentication, msgMissingAuth)
	}
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(&req); err != nil {
		return nil, err
	}
	if err := checkSignedHeaders(r, req.auth.SignedHeaders); err != nil {
		return nil, err
	}
	if err := v.checkTime(&req, now); err != nil {
		return nil, err
	}
	payloads, err := payloadHashes(r, body, req.presigned)
	if err != nil {
		return nil, err
	}

	if v.Store == nil {
		return nil, &Error{Kind: KindInternal, Message: msgInternal, Err: errors.New("sigv4: Verifier.Store is nil")}
	}
	creds, lerr := v.Store.LookupCredentials(r.Context(), req.auth.Scope.AccessKeyID)
	if lerr != nil {
		if errors.Is(lerr, ErrUnknownAccessKey) {
			return nil, newError(KindUnknownAccessKey, msgInvalidToken)
		}
		return nil, &Error{Kind: KindInternal, Message: msgInternal, Err: lerr}
	}
	if creds.SessionToken != "" {
		if !req.hasToken || subtle.ConstantTimeCompare([]byte(req.token), []byte(creds.SessionToken)) != 1 {
			return nil, newError(KindInvalidToken, msgInvalidToken)
		}
	} else if req.token != "" {
		return nil, newError(KindInvalidToken, msgInvalidToken)
	}

	if !signatureMatches(r, &req, query, payloads, creds.SecretAccessKey) {
		return nil, newError(KindSignatureMismatch, msgSignatureMismatch)
	}
	if !creds.Expires.IsZero() && !now.Before(creds.Expires) {
		return nil, newError(KindExpiredToken, msgExpiredToken)
	}
	creds.SecretAccessKey = ""
	res := &Result{
		AccessKeyID:   req.auth.Scope.AccessKeyID,
		Credentials:   creds,
		Region:        req.auth.Scope.Region,
		Service:       req.auth.Scope.Service,
		SignedHeaders: req.auth.SignedHeaders,
		Presigned:     req.presigned,
		Time:          req.time,
	}
	if req.presigned {
		res.Expires = req.time.Add(req.expires)
	}
	return res, nil
}

func badDate(raw string) *Error {
	return newError(KindIncompleteSignature,
		"Date must be in ISO-8601 'basic format'. Got '"+raw+"'. See http://en.wikipedia.org/wiki/ISO_8601")
}

func parseHeaderAuth(r *http.Request, authz string) (request, *Error) {
	var req request
	a, problems, err := parseAuthorization(authz)
	if err != nil {
		return req, err
	}
	req.auth = a
	req.rawDate = r.Header.Get("X-Amz-Date")
	useDate := req.rawDate == ""
	if useDate {
		req.rawDate = r.Header.Get("Date")
	}
	if req.rawDate == "" {
		problems = append(problems, msgNeedDate)
	}
	if len(problems) > 0 {
		return req, incompleteHeader(problems, authz)
	}
	var perr error
	if useDate {
		req.time, perr = http.ParseTime(req.rawDate)
		if perr != nil {
			return req, newError(KindIncompleteSignature,
				"Date header '"+req.rawDate+"' is not a valid HTTP date; send X-Amz-Date in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z') instead.")
		}
	} else if req.time, perr = time.Parse(TimeFormat, req.rawDate); perr != nil {
		return req, badDate(req.rawDate)
	}
	if vs, ok := r.Header["X-Amz-Security-Token"]; ok {
		req.hasToken = true
		if len(vs) > 0 {
			req.token = vs[0]
		}
	}
	return req, nil
}

func parseQueryAuth(query []queryPair) (request, *Error) {
	req := request{presigned: true}
	var alg, expires string
	var have [7]bool
	names := [7]string{qAlgorithm, qCredential, qSignature, qSignedHeaders, qDate, qExpires, qSecurityToken}
	for _, p := range query {
		i := slices.Index(names[:], p.key)
		if i < 0 {
			continue
		}
		if have[i] {
			return req, newError(KindIncompleteSignature,
				"AWS query-string parameters must include '"+p.key+"' only once. Re-examine the query-string parameters.")
		}
		have[i] = true
		switch i {
		case 0:
			alg = p.value
		case 1:
			req.auth.Credential = p.value
		case 2:
			req.auth.Signature = p.value
		case 3:
			req.auth.SignedHeaders = strings.Split(p.value, ";")
		case 4:
			req.rawDate = p.value
		case 5:
			expires = p.value
		case 6:
			req.token, req.hasToken = p.value, true
		}
	}
	var msg strings.Builder
	for i, name := range names[:6] {
		if !have[i] {
			msg.WriteString("AWS query-string parameters must include '" + name + "'. ")
		}
	}
	if msg.Len() > 0 {
		msg.WriteString("Re-examine the query-string parameters.")
		return req, newError(KindIncompleteSignature, msg.String())
	}
	if alg != Algorithm {
		return req, newError(KindIncompleteSignature,
			"X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", got '"+alg+"'. Re-examine the query-string parameters.")
	}
	req.auth.Algorithm = alg
	s, err := parseCredential(req.auth.Credential)
	if err != nil {
		return req, err
	}
	req.auth.Scope = s
	var perr error
	if req.time, perr = time.Parse(TimeFormat, req.rawDate); perr != nil {
		return req, badDate(req.rawDate)
	}
	n, perr := strconv.Atoi(expires)
	switch {
	case perr != nil || n < 1:
		return req, newError(KindIncompleteSignature,
			"X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '"+expires+"'. Re-examine the query-string parameters.")
	case n > MaxPresignExpires:
		return req, newError(KindIncompleteSignature,
			"X-Amz-Expires must be less than a week (in seconds) that is 604800, got '"+expires+"'.")
	}
	req.expires = time.Duration(n) * time.Second
	return req, nil
}

func validRegion(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func (v *Verifier) checkScope(req *request) *Error {
	s := req.auth.Scope
	if s.Terminator != Terminator {
		return newError(KindBadScope, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+s.Terminator+"'.")
	}
	if !validRegion(s.Region) {
		return newError(KindBadScope, "Credential should be scoped to a valid region, not '"+s.Region+"'.")
	}
	if len(v.Services) > 0 && !slices.Contains(v.Services, s.Service) {
		return newError(KindBadScope, "Credential should be scoped to correct service: '"+v.Services[0]+"'.")
	}
	var db [len(DateFormat)]byte
	if d := req.time.UTC().AppendFormat(db[:0], DateFormat); s.Date != string(d) {
		return newError(KindBadScope, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
			s.Date+"' != '"+string(d)+"', from '"+req.rawDate+"'.")
	}
	if s.AccessKeyID == "" {
		return newError(KindUnknownAccessKey, msgInvalidToken)
	}
	return nil
}

func isAmzHeader(name string) bool {
	return len(name) > 6 && strings.EqualFold(name[:6], "x-amz-")
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func checkSignedHeaders(r *http.Request, signed []string) *Error {
	if !slices.Contains(signed, "host") && !slices.Contains(signed, ":authority") {
		return newError(KindSignatureMismatch, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	var unsigned []string
	for name := range r.Header {
		if isAmzHeader(name) && !strings.EqualFold(name, "X-Amz-Security-Token") && !containsFold(signed, name) {
			unsigned = append(unsigned, strings.ToLower(name))
		}
	}
	if len(unsigned) > 0 {
		slices.Sort(unsigned)
		return newError(KindSignatureMismatch,
			"There were headers present in the request which were not signed: "+strings.Join(unsigned, ", ")+
				". Add them to SignedHeaders when signing.")
	}
	return nil
}

func (v *Verifier) checkTime(req *request, now time.Time) *Error {
	skew := v.maxSkew()
	t := req.time
	fmtT := func(t time.Time) string { return t.UTC().Format(TimeFormat) }
	mins := func() string { return strconv.FormatFloat(skew.Minutes(), 'f', -1, 64) }
	if t.After(now.Add(skew)) {
		return newError(KindSignatureExpired, "Signature not yet current: "+fmtT(t)+" is still later than "+
			fmtT(now.Add(skew))+" ("+fmtT(now)+" + "+mins()+" min.)")
	}
	if req.presigned {
		if end := t.Add(req.expires); now.After(end) {
			return newError(KindSignatureExpired, "Signature expired: "+fmtT(end)+" is now earlier than "+fmtT(now)+
				" ("+fmtT(t)+" + "+strconv.Itoa(int(req.expires/time.Second))+" sec.)")
		}
		return nil
	}
	if t.Before(now.Add(-skew)) {
		return newError(KindSignatureExpired, "Signature expired: "+fmtT(t)+" is now earlier than "+
			fmtT(now.Add(-skew))+" ("+fmtT(now)+" - "+mins()+" min.)")
	}
	return nil
}

// payloadHashes returns the payload hashes a valid signature may cover.
func payloadHashes(r *http.Request, body []byte, presigned bool) ([]string, *Error) {
	computed := PayloadHash(body)
	sent := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case sent == "":
		if presigned && len(body) == 0 {
			return []string{computed, UnsignedPayload}, nil
		}
		return []string{computed}, nil
	case sent == UnsignedPayload:
		if presigned && len(body) == 0 {
			return []string{UnsignedPayload}, nil
		}
		return nil, newError(KindSignatureMismatch,
			"x-amz-content-sha256 'UNSIGNED-PAYLOAD' is accepted only on presigned requests without a body; sign the SHA-256 of the body instead.")
	case strings.HasPrefix(sent, "STREAMING-"):
		return nil, newError(KindSignatureMismatch,
			"x-amz-content-sha256 '"+sent+"' is not supported: this service does not accept streaming payloads; sign the SHA-256 of the whole body.")
	case sent != computed:
		return nil, newError(KindSignatureMismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return []string{computed}, nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// signatureMatches recomputes the signature over the normalised path and,
// when it differs, the path as sent, for each acceptable payload hash.
func signatureMatches(r *http.Request, req *request, query []queryPair, payloads []string, secret string) bool {
	var sent [sha256.Size]byte
	valid := len(req.auth.Signature) == 2*sha256.Size
	if valid {
		_, err := hex.Decode(sent[:], []byte(req.auth.Signature))
		valid = err == nil
	}
	// On a malformed signature the work is still done, against zeros, so
	// that timing does not reveal the format check.
	s := req.auth.Scope
	key := signingKey(secret, s.Date, s.Region, s.Service)
	scope := s.String()
	var amzBuf [len(TimeFormat)]byte
	amzDate := req.time.UTC().AppendFormat(amzBuf[:0], TimeFormat)
	path := requestPath(r)

	bp := bufPool.Get().(*[]byte)
	buf := (*bp)[:0]
	uris := appendCanonicalURI(buf, path, true)
	n := len(uris)
	uris = appendCanonicalURI(uris, path, false)
	candidates := [2][]byte{uris[:n:n], uris[n:]}
	numURIs := 1
	if string(candidates[0]) != string(candidates[1]) {
		numURIs = 2
	}
	buf = uris[len(uris):]

	ok := false
	mac := hmac.New(sha256.New, key[:])
	var sum [sha256.Size]byte
	for _, uri := range candidates[:numURIs] {
		for _, ph := range payloads {
			buf = appendCanonicalRequest(buf[:0], r, uri, query, req.auth.SignedHeaders, ph, req.presigned)
			crHash := sha256.Sum256(buf)
			buf = appendStringToSign(buf[:0], amzDate, scope, crHash)
			mac.Reset()
			mac.Write(buf)
			if hmac.Equal(mac.Sum(sum[:0]), sent[:]) {
				ok = true
			}
		}
	}
	if cap(uris) >= cap(buf) {
		*bp = uris[:0]
	} else {
		*bp = buf[:0]
	}
	bufPool.Put(bp)
	return ok && valid
}
