package iam

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// Parameter patterns of the IAM API model.
var (
	reName = regexp.MustCompile(`[\w+=,.@-]+`)
	rePath = regexp.MustCompile(`(/)|(/[!-~]+/)`)
	// rePathPrefix is pathPrefixType: "/TestPath" is a valid prefix.
	rePathPrefix = regexp.MustCompile(`/[\x{21}-\x{7F}]*`)
	// rePolicyPath is policyPathType, the PathPrefix of ListPolicies and
	// of the ListAttached*Policies operations.
	rePolicyPath = regexp.MustCompile(`((/[A-Za-z0-9.,+@=_-]+)*)/`)
	reARN        = regexp.MustCompile(`arn:[^:]*:[^:]*:[^:]*:[^:]*:.+`)
	reVersionID  = regexp.MustCompile(`v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	reTagKey     = regexp.MustCompile(`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	reTagValue   = regexp.MustCompile(`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
	reMarker     = regexp.MustCompile(`[\x{0020}-\x{00FF}]+`)
)

// name reads a required entity name parameter (UserName, GroupName,
// RoleName) with IAM's constraints.
func name(c *call, param string, maxLen int) string {
	v := c.p.Required(param)
	c.p.Length(param, 1, maxLen)
	c.p.Pattern(param, reName)
	return v
}

// optName reads an optional name parameter.
func optName(c *call, param string, maxLen int) string {
	c.p.Length(param, 1, maxLen)
	c.p.Pattern(param, reName)
	return c.p.String(param)
}

// path reads an optional Path (or PathPrefix) parameter; def is returned
// when it is absent.
func path(c *call, param, def string) string {
	c.p.Length(param, 1, 512)
	c.p.Pattern(param, rePath)
	if v, ok := c.p.Lookup(param); ok {
		return v
	}
	return def
}

// pathPrefix reads an optional PathPrefix parameter matching re (the
// model's pathPrefixType or policyPathType); "" when absent.
func pathPrefix(c *call, re *regexp.Regexp) string {
	c.p.Length("PathPrefix", 1, 512)
	c.p.Pattern("PathPrefix", re)
	return c.p.String("PathPrefix")
}

// arnParam reads a required ARN parameter.
func arnParam(c *call, param string) string {
	v := c.p.Required(param)
	c.p.Length(param, 20, 2048)
	c.p.Pattern(param, reARN)
	return v
}

// document reads a required policy document parameter.
func document(c *call, param string) string {
	v := c.p.Required(param)
	c.p.Length(param, 1, 131072)
	return decodeDocument(v)
}

// pageOpts reads Marker and MaxItems.
func pageOpts(c *call) store.ListOptions {
	c.p.Length("Marker", 1, 320)
	c.p.Pattern("Marker", reMarker)
	c.p.Range("MaxItems", 1, 1000)
	n, _ := c.p.Int("MaxItems")
	return store.ListOptions{Marker: c.p.String("Marker"), MaxItems: int(n)}
}

// tagsParam reads Tags.member.N.Key/Value and returns the tags and the
// request context keys IAM sets for them (aws:RequestTag/KEY, aws:TagKeys).
func tagsParam(c *call, kv map[string][]string) []store.Tag {
	members := c.p.Members("Tags", []string{"Key", "Value"}, "Key", "Value")
	if len(members) > store.MaxTagsPerEntity {
		c.p.Violate("Tags", "Member must have length less than or equal to 50")
	}
	tags := make([]store.Tag, 0, len(members))
	seen := map[string]bool{}
	for i, m := range members {
		k, v := m["Key"], m["Value"]
		kp := "Tags.member." + itoa(i+1) + ".Key"
		vp := "Tags.member." + itoa(i+1) + ".Value"
		c.p.Length(kp, 1, 128)
		c.p.Pattern(kp, reTagKey)
		c.p.Length(vp, 0, 256)
		c.p.Pattern(vp, reTagValue)
		if seen[strings.ToLower(k)] {
			c.tagErr = invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			continue
		}
		seen[strings.ToLower(k)] = true
		tags = append(tags, store.Tag{Key: k, Value: v})
	}
	addTagContext(kv, tags)
	return tags
}

// addTagContext adds aws:RequestTag/KEY and aws:TagKeys for tags.
func addTagContext(kv map[string][]string, tags []store.Tag) {
	if len(tags) == 0 {
		return
	}
	keys := make([]string, len(tags))
	for i, t := range tags {
		kv["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys[i] = t.Key
	}
	kv["aws:TagKeys"] = keys
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// entity is a user, group or role as the generic operations (inline and
// attached policies, boundaries, tags) see it.
type entity struct {
	kind          store.EntityKind
	name          string // stored spelling
	id            string
	path          string
	arn           string
	boundary      string
	serviceLinked bool
	tags          []store.Tag
	// user is the stored user when kind is store.KindUser, so that an
	// operation that answers with it needs no second read.
	user store.User
}

// kindWord is the word IAM's messages use for an entity kind.
func kindWord(k store.EntityKind) string { return string(k) }

// noSuch returns IAM's NoSuchEntity error for an entity kind and name.
func noSuch(k store.EntityKind, name string) error {
	return noSuchEntity("The %s with name %s cannot be found.", kindWord(k), name)
}

// readEntity reads an entity and, for users and roles, its tags. found is
// false when it does not exist.
func readEntity(tx store.ReadTx, acct string, k store.EntityKind, name string) (e entity, found bool, err error) {
	e = entity{kind: k, name: name, path: "/"}
	switch k {
	case store.KindUser:
		u, err := tx.GetUser(acct, name)
		if err != nil {
			return e, false, notFoundOK(err)
		}
		e.name, e.id, e.path, e.arn, e.boundary, e.user = u.Name, u.ID, u.Path, u.ARN, u.PermissionsBoundaryARN, u
	case store.KindGroup:
		g, err := tx.GetGroup(acct, name)
		if err != nil {
			return e, false, notFoundOK(err)
		}
		e.name, e.id, e.path, e.arn = g.Name, g.ID, g.Path, g.ARN
	case store.KindRole:
		r, err := tx.GetRole(acct, name)
		if err != nil {
			return e, false, notFoundOK(err)
		}
		e.name, e.id, e.path, e.arn, e.boundary, e.serviceLinked = r.Name, r.ID, r.Path, r.ARN, r.PermissionsBoundaryARN, r.ServiceLinked
	}
	if k != store.KindGroup {
		tags, err := tx.ListTags(acct, store.EntityRef{Kind: k, Name: e.name})
		if err != nil {
			return e, true, err
		}
		e.tags = tags
	}
	return e, true, nil
}

// notFoundOK turns ErrNotFound into nil.
func notFoundOK(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// authEntity reads the entity an operation acts on and authorizes action
// on its ARN with aws:ResourceTag/* from its tags plus kv. An entity that
// does not exist is authorized on the ARN its name would have at path "/"
// and then reported as NoSuchEntity, so that callers learn nothing about
// entities they may not act on.
func (h *handler) authEntity(ctx context.Context, c *call, action string, k store.EntityKind, name string, kv map[string][]string) (entity, error) {
	var e entity
	var found bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		e, found, err = readEntity(tx, c.acct, k, name)
		return err
	})
	if err != nil {
		return e, err
	}
	if !found {
		e.arn = entityARN(c.acct, string(k), "/", name)
	}
	if err := h.authorize(ctx, c, action, e.arn, kv, e.tags...); err != nil {
		return e, err
	}
	if !found {
		return e, noSuch(k, name)
	}
	return e, nil
}

// protectedRole is IAM's error for changing a service-linked role.
func protectedRole(name string) error {
	return unmodifiable("Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", name)
}

// serviceRolePath is the path prefix IAM reserves for service-linked
// roles (CreateServiceLinkedRole); no other role, user or group may use it.
const serviceRolePath = "/aws-service-role/"

// reservedPath returns IAM's InvalidInput error when p, the path of a
// role, user or group being created or moved by a caller, is under the
// service-linked role prefix.
func reservedPath(p string) error {
	if strings.HasPrefix(p, serviceRolePath) {
		return invalidInput("Path prefix '%s' can only be used for AWS Service linked Roles", serviceRolePath)
	}
	return nil
}
