package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Algorithm is the only signing algorithm this package accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// Terminator is the last element of every credential scope.
const Terminator = "aws4_request"

// TimeFormat is the ISO 8601 basic format of X-Amz-Date.
const TimeFormat = "20060102T150405Z"

// DateFormat is the format of the date element of a credential scope.
const DateFormat = "20060102"

// UnsignedPayload is the payload hash a presigned request may sign instead
// of the SHA-256 of its body.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// EmptyPayloadHash is the hex SHA-256 of an empty body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

const upperHex = "0123456789ABCDEF"

// Scope is a parsed credential: access key ID and credential scope.
type Scope struct {
	AccessKeyID string
	Date        string // YYYYMMDD
	Region      string
	Service     string
	Terminator  string // "aws4_request" when valid
}

// String returns the credential scope "date/region/service/terminator",
// without the access key ID, as it appears in the string to sign.
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
}

// PayloadHash returns the lowercase hex SHA-256 of body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// appendURIEncode appends s to dst with every byte except the unreserved
// characters A-Z a-z 0-9 - . _ ~ percent-encoded in upper-case hex. When
// keepSlash is set, '/' is copied unchanged.
func appendURIEncode(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/') {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// requestPath returns the request path as it was sent on the wire: the path
// of r.RequestURI on the server side, r.URL.EscapedPath() for client-side
// requests (which is what Go's HTTP client sends).
func requestPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			return u[:i]
		}
		return u
	}
	return r.URL.EscapedPath()
}

// CanonicalURI returns the canonical URI of a request path as sent on the
// wire (still percent-encoded), under the rules for every service except S3:
// empty, "." and ".." segments are removed, and each remaining segment is
// URI-encoded again, so "%3A" becomes "%253A" and a raw space becomes "%20".
// A trailing slash is kept. An empty path becomes "/".
func CanonicalURI(path string) string {
	return string(appendCanonicalURI(nil, path, true))
}

func appendCanonicalURI(dst []byte, path string, normalize bool) []byte {
	if !normalize {
		if path == "" {
			return append(dst, '/')
		}
		return appendURIEncode(dst, path, true)
	}
	var segs []string
	var stack [16]string
	segs = stack[:0]
	trailing := false
	for rest := path; ; {
		seg, after, more := strings.Cut(rest, "/")
		switch seg {
		case "", ".":
			trailing = true
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			trailing = true
		default:
			segs = append(segs, seg)
			trailing = false
		}
		if !more {
			break
		}
		rest = after
	}
	dst = append(dst, '/')
	for i, seg := range segs {
		if i > 0 {
			dst = append(dst, '/')
		}
		dst = appendURIEncode(dst, seg, false)
	}
	if trailing && len(segs) > 0 {
		dst = append(dst, '/')
	}
	return dst
}

type queryPair struct{ key, value string }

// parseQuery splits a raw query into decoded pairs in their original order.
// '+' decodes to a space, as url.ParseQuery does. A component with an invalid
// escape is kept verbatim.
func parseQuery(raw string) []queryPair {
	if raw == "" {
		return nil
	}
	pairs := make([]queryPair, 0, strings.Count(raw, "&")+1)
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, queryPair{unescapeQuery(k), unescapeQuery(v)})
	}
	return pairs
}

func unescapeQuery(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// CanonicalQueryString returns the canonical query string of a raw
// (percent-encoded) query: names and values are decoded, URI-encoded again,
// sorted by name and then by value, and joined as name=value with '&'. When
// presigned is set, X-Amz-Signature is left out.
func CanonicalQueryString(rawQuery string, presigned bool) string {
	return string(appendCanonicalQuery(nil, parseQuery(rawQuery), presigned))
}

func appendCanonicalQuery(dst []byte, pairs []queryPair, presigned bool) []byte {
	if len(pairs) == 0 {
		return dst
	}
	enc := make([]queryPair, 0, len(pairs))
	var buf []byte
	for _, p := range pairs {
		if presigned && p.key == "X-Amz-Signature" {
			continue
		}
		buf = appendURIEncode(buf[:0], p.key, false)
		k := string(buf)
		buf = appendURIEncode(buf[:0], p.value, false)
		enc = append(enc, queryPair{k, string(buf)})
	}
	slices.SortFunc(enc, func(a, b queryPair) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	for i, p := range enc {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.key...)
		dst = append(dst, '=')
		dst = append(dst, p.value...)
	}
	return dst
}

// appendHeaderValue appends v trimmed of leading and trailing spaces and
// tabs, with every inner run of spaces collapsed to one.
func appendHeaderValue(dst []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if !space {
				dst = append(dst, ' ')
			}
			space = true
			continue
		}
		space = false
		dst = append(dst, c)
	}
	return dst
}

// headerValues returns the values of the lower-case header name in r.
// host and content-length are handled by appendCanonicalHeaders.
func headerValues(r *http.Request, name string) []string {
	if vs, ok := r.Header[name]; ok {
		return vs
	}
	// Look up the canonical form of name without allocating.
	var kb [64]byte
	if len(name) > len(kb) {
		return r.Header.Values(name)
	}
	k := kb[:len(name)]
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k[i] = c
		upper = c == '-'
	}
	return r.Header[string(k)]
}

// appendCanonicalHeaders appends "name:value\n" for each signed header.
// The host comes from r.Host (Go moves it out of r.Header on the server) or
// r.URL.Host, and content-length from r.ContentLength when the header itself
// is absent (client-side requests).
func appendCanonicalHeaders(dst []byte, r *http.Request, signed []string) []byte {
	for _, name := range signed {
		dst = append(dst, name...)
		dst = append(dst, ':')
		switch {
		case name == "host" && r.Host != "":
			dst = appendHeaderValue(dst, r.Host)
		case name == "host" && r.URL != nil && r.URL.Host != "":
			dst = appendHeaderValue(dst, r.URL.Host)
		case name == "content-length" && len(r.Header["Content-Length"]) == 0 && r.ContentLength > 0:
			dst = strconv.AppendInt(dst, r.ContentLength, 10)
		default:
			for i, v := range headerValues(r, name) {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendHeaderValue(dst, v)
			}
		}
		dst = append(dst, '\n')
	}
	return dst
}

// CanonicalRequest returns the canonical request of r for the given
// lower-case signed header names and payload hash. The URI is taken from the
// path as sent (see [CanonicalURI]) and the query from r.URL.RawQuery; with
// presigned set, X-Amz-Signature is left out of the query.
func CanonicalRequest(r *http.Request, signedHeaders []string, payloadHash string, presigned bool) string {
	uri := appendCanonicalURI(nil, requestPath(r), true)
	return string(appendCanonicalRequest(nil, r, uri, parseQuery(r.URL.RawQuery), signedHeaders, payloadHash, presigned))
}

func appendCanonicalRequest(dst []byte, r *http.Request, canonicalURI []byte, query []queryPair,
	signed []string, payloadHash string, presigned bool) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	dst = append(dst, canonicalURI...)
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, query, presigned)
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, r, signed)
	dst = append(dst, '\n')
	for i, name := range signed {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, name...)
	}
	dst = append(dst, '\n')
	dst = append(dst, payloadHash...)
	return dst
}

// StringToSign returns the string to sign for a canonical request made at t
// (UTC) within the given credential scope ("date/region/service/aws4_request").
func StringToSign(t time.Time, scope, canonicalRequest string) string {
	return string(appendStringToSign(nil, t.UTC().Format(TimeFormat), scope, sha256.Sum256([]byte(canonicalRequest))))
}

func appendStringToSign[S string | []byte](dst []byte, amzDate S, scope string, crHash [sha256.Size]byte) []byte {
	dst = append(dst, Algorithm...)
	dst = append(dst, '\n')
	dst = append(dst, amzDate...)
	dst = append(dst, '\n')
	dst = append(dst, scope...)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, crHash[:])
}

type signingKeyID struct{ secret, date, region, service string }

// keyCacheSize bounds the signing-key cache; when full it is emptied.
const keyCacheSize = 1024

var keyCache struct {
	sync.Mutex
	m map[signingKeyID][sha256.Size]byte
}

func hmacSHA256(key []byte, data string) [sha256.Size]byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// signingKey derives (or fetches from a small cache) the signing key
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func signingKey(secret, date, region, service string) [sha256.Size]byte {
	id := signingKeyID{secret, date, region, service}
	keyCache.Lock()
	k, ok := keyCache.m[id]
	keyCache.Unlock()
	if ok {
		return k
	}
	kDate := hmacSHA256([]byte("AWS4"+secret), date)
	kRegion := hmacSHA256(kDate[:], region)
	kService := hmacSHA256(kRegion[:], service)
	k = hmacSHA256(kService[:], Terminator)
	keyCache.Lock()
	if keyCache.m == nil || len(keyCache.m) >= keyCacheSize {
		keyCache.m = make(map[signingKeyID][sha256.Size]byte)
	}
	keyCache.m[id] = k
	keyCache.Unlock()
	return k
}

// SigningKey returns the SigV4 signing key for a secret access key and a
// credential scope's date (YYYYMMDD), region and service. Keys are cached.
func SigningKey(secret, date, region, service string) []byte {
	k := signingKey(secret, date, region, service)
	return k[:]
}

// Signature returns the lowercase hex HMAC-SHA256 of stringToSign under key.
func Signature(key []byte, stringToSign string) string {
	s := hmacSHA256(key, stringToSign)
	return hex.EncodeToString(s[:])
}
