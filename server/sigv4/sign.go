package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// unsignedHeaders are never signed by Sign, as in the AWS SDKs: they are
// changed by proxies or added by the transport.
var unsignedHeaders = []string{"authorization", "user-agent", "x-amzn-trace-id", "expect"}

func signScope(creds Credentials, region, service string, t time.Time) (Scope, error) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return Scope{}, errors.New("sigv4: sign: credentials need an access key ID and a secret access key")
	}
	if region == "" || service == "" {
		return Scope{}, fmt.Errorf("sigv4: sign: region %q and service %q must both be non-empty", region, service)
	}
	return Scope{AccessKeyID: creds.AccessKeyID, Date: t.Format(DateFormat), Region: region, Service: service, Terminator: Terminator}, nil
}

func signRequest(r *http.Request, signed []string, payloadHash string, presigned bool, s Scope, secret string, t time.Time) string {
	uri := appendCanonicalURI(nil, requestPath(r), true)
	cr := appendCanonicalRequest(nil, r, uri, parseQuery(r.URL.RawQuery), signed, payloadHash, presigned)
	sts := StringToSign(t, s.String(), string(cr))
	return Signature(SigningKey(secret, s.Date, s.Region, s.Service), sts)
}

// Sign signs r in the Authorization-header form at time t with the given
// credentials, region and signing name (service), the way the AWS SDKs do:
// it sets X-Amz-Date, X-Amz-Security-Token (for temporary credentials) and
// Authorization, and signs host, content-length (when r.ContentLength > 0)
// and every header present except Authorization, User-Agent,
// X-Amzn-Trace-Id and Expect. body is the request body; r.Body is not read.
func Sign(r *http.Request, body []byte, creds Credentials, region, service string, t time.Time) error {
	t = t.UTC()
	s, err := signScope(creds, region, service, t)
	if err != nil {
		return err
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header.Del("Authorization")
	r.Header.Set("X-Amz-Date", t.Format(TimeFormat))
	if creds.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
	signed := []string{"host"}
	if r.ContentLength > 0 {
		signed = append(signed, "content-length")
	}
	for name := range r.Header {
		l := strings.ToLower(name)
		if !slices.Contains(unsignedHeaders, l) {
			signed = append(signed, l)
		}
	}
	slices.Sort(signed)
	signed = slices.Compact(signed)
	sig := signRequest(r, signed, PayloadHash(body), false, s, creds.SecretAccessKey, t)
	r.Header.Set("Authorization", Algorithm+" Credential="+creds.AccessKeyID+"/"+s.String()+
		", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
	return nil
}

// Presign adds presigned-URL query parameters to r.URL (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
// X-Amz-Security-Token for temporary credentials, and X-Amz-Signature),
// valid for expires (1 s to 7 days) from t. It signs host and any x-amz-*
// headers present, and the SHA-256 of body.
func Presign(r *http.Request, body []byte, creds Credentials, region, service string, t time.Time, expires time.Duration) error {
	t = t.UTC()
	s, err := signScope(creds, region, service, t)
	if err != nil {
		return err
	}
	secs := int64(expires / time.Second)
	if secs < 1 || secs > MaxPresignExpires {
		return fmt.Errorf("sigv4: presign: expiry %v out of range; use 1s to 168h (604800 seconds)", expires)
	}
	signed := []string{"host"}
	for name := range r.Header {
		if isAmzHeader(name) {
			signed = append(signed, strings.ToLower(name))
		}
	}
	slices.Sort(signed)
	signed = slices.Compact(signed)
	q := url.Values{}
	q.Set(qAlgorithm, Algorithm)
	q.Set(qCredential, creds.AccessKeyID+"/"+s.String())
	q.Set(qDate, t.Format(TimeFormat))
	q.Set(qExpires, strconv.FormatInt(secs, 10))
	q.Set(qSignedHeaders, strings.Join(signed, ";"))
	if creds.SessionToken != "" {
		q.Set(qSecurityToken, creds.SessionToken)
	}
	add := strings.ReplaceAll(q.Encode(), "+", "%20")
	if r.URL.RawQuery != "" {
		r.URL.RawQuery += "&" + add
	} else {
		r.URL.RawQuery = add
	}
	sig := signRequest(r, signed, PayloadHash(body), true, s, creds.SecretAccessKey, t)
	r.URL.RawQuery += "&" + qSignature + "=" + sig
	return nil
}
