package eval

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/arn"
)

// PrincipalType is the kind of principal that makes a request. Its String
// form is the value of the aws:PrincipalType condition key.
type PrincipalType int

const (
	// UserPrincipal is an IAM user (arn:aws:iam::ACCT:user/PATH/NAME).
	UserPrincipal PrincipalType = iota
	// AssumedRolePrincipal is a role session
	// (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION).
	AssumedRolePrincipal
	// FederatedUserPrincipal is a GetFederationToken session
	// (arn:aws:sts::ACCT:federated-user/NAME).
	FederatedUserPrincipal
	// AccountPrincipal is the account root user (arn:aws:iam::ACCT:root or
	// the bare 12-digit account ID).
	AccountPrincipal
	// RolePrincipal is an IAM role named directly
	// (arn:aws:iam::ACCT:role/PATH/NAME). Real requests come from its
	// sessions; the type exists so that a role can be simulated as such.
	RolePrincipal
	// ServicePrincipal is an AWS service acting itself, such as
	// "connect.amazonaws.com".
	ServicePrincipal
	// AnonymousPrincipal is an unauthenticated caller.
	AnonymousPrincipal
)

var principalTypeNames = [...]string{
	UserPrincipal:          "User",
	AssumedRolePrincipal:   "AssumedRole",
	FederatedUserPrincipal: "FederatedUser",
	AccountPrincipal:       "Account",
	RolePrincipal:          "Role",
	ServicePrincipal:       "Service",
	AnonymousPrincipal:     "Anonymous",
}

// String returns the aws:PrincipalType value: "User", "AssumedRole",
// "FederatedUser", "Account", "Role", "Service" or "Anonymous". The IAM
// documentation confirms the first three; "Account" and "Anonymous" are
// UNCONFIRMED in the project's specification, and "Role" and "Service"
// are this engine's own names for principals AWS never reports.
func (t PrincipalType) String() string {
	if t >= 0 && int(t) < len(principalTypeNames) {
		return principalTypeNames[t]
	}
	return "PrincipalType(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText returns String's result.
func (t PrincipalType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Principal is the caller of a request, as derived from its ARN by
// [ParsePrincipal]. The fields may be adjusted before use (for example
// Tags, or UserID when the real unique ID is known).
type Principal struct {
	Type PrincipalType
	// ARN is the principal's ARN as given: the session ARN for sessions,
	// the service name for services, "" for anonymous callers.
	ARN       string
	Partition string
	Account   string // "" for services and anonymous callers
	// Name is the user, role or federated-user name (without path).
	Name string
	// SessionName is the role session name of an assumed-role session.
	SessionName string
	// RoleARN is the ARN of the role of an assumed-role session, or of a
	// role principal. A session ARN does not include the role's path, so
	// unless it is given (SetRoleARN) RoleARN is the path-less
	// arn:PARTITION:iam::ACCT:role/NAME, and Principal elements naming the
	// role are then matched by account and role name alone.
	RoleARN string
	// RoleARNKnown records whether RoleARN was given rather than derived.
	RoleARNKnown bool
	// UserID is the aws:userid value; see ParsePrincipal for how it is
	// derived.
	UserID string
	// Tags are the principal's tags (aws:PrincipalTag/KEY).
	Tags map[string]string
	// Federated is the identity provider of a web-identity or SAML caller
	// (such as "cognito-identity.amazonaws.com" or a saml-provider ARN),
	// which a Principal {"Federated": ...} entry names. ParsePrincipal
	// cannot derive it; callers that know it set it.
	Federated string
	// CanonicalUser is the caller's S3 canonical user ID, which a
	// Principal {"CanonicalUser": ...} entry names; set by callers that
	// know it.
	CanonicalUser string
}

// ParsePrincipal derives a principal from its identifier alone:
//
//   - arn:aws:iam::ACCT:user/PATH/NAME: an IAM user
//   - arn:aws:iam::ACCT:role/PATH/NAME: a role
//   - arn:aws:sts::ACCT:assumed-role/ROLE/SESSION: a role session
//   - arn:aws:sts::ACCT:federated-user/NAME: a GetFederationToken session
//   - arn:aws:iam::ACCT:root or a bare 12-digit account ID: the root user
//   - "anonymous" or "*": an anonymous caller
//   - a name ending in ".amazonaws.com" (or ".amazonaws.com.cn"): a service
//
// UserID, the aws:userid value, is derived when not known: the root user's
// is the account ID; a federated user's is ACCT:NAME; an anonymous caller's
// is "anonymous"; a service's is its name. Users and roles get a stable
// synthetic unique ID: "AIDA" (users) or "AROA" (roles) followed by 17
// characters of the base32 SHA-256 of the path-less user or role ARN, so
// the same name always yields the same ID; a role session's is ROLEID:SESSION.
func ParsePrincipal(id string) (Principal, error) {
	switch {
	case id == "anonymous" || id == "*":
		return Principal{Type: AnonymousPrincipal, UserID: "anonymous"}, nil
	case isAccountID(id):
		return Principal{Type: AccountPrincipal, ARN: "arn:aws:iam::" + id + ":root", Partition: "aws", Account: id, UserID: id}, nil
	case !strings.HasPrefix(id, "arn:") && (strings.HasSuffix(id, ".amazonaws.com") || strings.HasSuffix(id, ".amazonaws.com.cn")):
		return Principal{Type: ServicePrincipal, ARN: id, Name: id, UserID: id}, nil
	}
	a, err := arn.Parse(id)
	if err != nil {
		return Principal{}, fmt.Errorf("principal %q: %w; a principal is a user, role, assumed-role or federated-user ARN, an account ID, a service name such as connect.amazonaws.com, or \"anonymous\"", id, err)
	}
	p := Principal{ARN: id, Partition: a.Partition, Account: a.AccountID}
	bad := func(why string) (Principal, error) {
		return Principal{}, fmt.Errorf("principal %q: %s", id, why)
	}
	if !isAccountID(a.AccountID) {
		return bad("the account field must be a 12-digit account ID")
	}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		p.Type = AccountPrincipal
		p.UserID = a.AccountID
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		p.Type = UserPrincipal
		p.Name = lastComponent(a.Resource)
		if p.Name == "" {
			return bad("the user name is empty; write arn:aws:iam::ACCT:user/NAME")
		}
		p.UserID = syntheticID("AIDA", "arn:"+a.Partition+":iam::"+a.AccountID+":user/"+p.Name)
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		p.Type = RolePrincipal
		p.Name = lastComponent(a.Resource)
		if p.Name == "" {
			return bad("the role name is empty; write arn:aws:iam::ACCT:role/NAME")
		}
		p.RoleARN, p.RoleARNKnown = id, true
		p.UserID = syntheticID("AROA", roleARN(a.Partition, a.AccountID, p.Name))
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		rest := strings.TrimPrefix(a.Resource, "assumed-role/")
		role, session, ok := strings.Cut(rest, "/")
		if !ok || role == "" || session == "" || strings.Contains(session, "/") {
			return bad("an assumed-role ARN is arn:aws:sts::ACCT:assumed-role/ROLE_NAME/SESSION_NAME")
		}
		p.Type = AssumedRolePrincipal
		p.Name, p.SessionName = role, session
		p.RoleARN = roleARN(a.Partition, a.AccountID, role)
		p.UserID = syntheticID("AROA", p.RoleARN) + ":" + session
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "federated-user/"):
		p.Type = FederatedUserPrincipal
		p.Name = strings.TrimPrefix(a.Resource, "federated-user/")
		if p.Name == "" || strings.Contains(p.Name, "/") {
			return bad("a federated-user ARN is arn:aws:sts::ACCT:federated-user/NAME")
		}
		p.UserID = a.AccountID + ":" + p.Name
	default:
		return bad("not a principal ARN: expected iam ...:user/NAME, ...:role/NAME or ...:root, or sts ...:assumed-role/ROLE/SESSION or ...:federated-user/NAME")
	}
	return p, nil
}

// SetRoleARN records the ARN of the role of an assumed-role session, which
// carries the role's path that the session ARN lacks. The role's account
// and name must agree with the session's.
func (p *Principal) SetRoleARN(roleArn string) error {
	if p.Type != AssumedRolePrincipal && p.Type != RolePrincipal {
		return fmt.Errorf("roleArn %q: only assumed-role sessions have a role ARN; remove it or use an arn:aws:sts::ACCT:assumed-role/ROLE/SESSION principal", roleArn)
	}
	a, err := arn.Parse(roleArn)
	if err != nil {
		return fmt.Errorf("roleArn: %w", err)
	}
	if a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return fmt.Errorf("roleArn %q is not a role ARN; write arn:aws:iam::ACCT:role/PATH/NAME", roleArn)
	}
	if a.AccountID != p.Account || lastComponent(a.Resource) != p.Name {
		return fmt.Errorf("roleArn %q does not belong to principal %q: the account and role name must be %s and %s", roleArn, p.ARN, p.Account, p.Name)
	}
	p.RoleARN, p.RoleARNKnown = roleArn, true
	return nil
}

// IsServiceLinkedRole reports whether p is a service-linked role or a
// session of one: a role whose path is /aws-service-role/ (its ARN is
// arn:aws:iam::ACCT:role/aws-service-role/SERVICE/NAME). A session ARN
// carries no path, so a session is recognised only when its role ARN is
// known (SetRoleARN); a role name alone is not trusted.
func (p *Principal) IsServiceLinkedRole() bool {
	if (p.Type != RolePrincipal && p.Type != AssumedRolePrincipal) || !p.RoleARNKnown {
		return false
	}
	f, ok := arn.Split(p.RoleARN)
	return ok && strings.HasPrefix(f[5], "role/aws-service-role/")
}

// IsSession reports whether the principal is a temporary session (an
// assumed-role or federated-user session), which session policies limit.
func (p *Principal) IsSession() bool {
	return p.Type == AssumedRolePrincipal || p.Type == FederatedUserPrincipal
}

// PrincipalARN returns the aws:PrincipalArn value: the role ARN for a role
// session, the root ARN for the root user, the ARN otherwise, and "" for
// services and anonymous callers.
func (p *Principal) PrincipalARN() string {
	switch p.Type {
	case AssumedRolePrincipal:
		return p.RoleARN
	case ServicePrincipal, AnonymousPrincipal:
		return ""
	}
	return p.ARN
}

// DisplayARN is the caller as AWS names it in access-denied messages.
func (p *Principal) DisplayARN() string {
	if p.Type == AnonymousPrincipal {
		return "anonymous"
	}
	return p.ARN
}

// AddToContext adds the condition keys derived from the principal to c,
// without overriding keys c already has: aws:userid, aws:username (users
// only), aws:PrincipalArn, aws:PrincipalAccount ("anonymous" for anonymous
// callers), aws:PrincipalType, aws:PrincipalIsAWSService,
// aws:PrincipalServiceName (services only) and aws:PrincipalTag/KEY for
// every tag.
func (p *Principal) AddToContext(c *Context) {
	c.SetDefault("aws:userid", p.UserID)
	if p.Type == UserPrincipal {
		c.SetDefault("aws:username", p.Name)
	}
	if a := p.PrincipalARN(); a != "" {
		c.SetDefault("aws:PrincipalArn", a)
	}
	switch p.Type {
	case AnonymousPrincipal:
		c.SetDefault("aws:PrincipalAccount", "anonymous")
	case ServicePrincipal:
		c.SetDefault("aws:PrincipalServiceName", p.Name)
		c.SetDefault("aws:PrincipalIsAWSService", "true")
	default:
		c.SetDefault("aws:PrincipalAccount", p.Account)
		c.SetDefault("aws:PrincipalIsAWSService", "false")
	}
	c.SetDefault("aws:PrincipalType", p.Type.String())
	if p.Type != AnonymousPrincipal {
		for k, v := range p.Tags {
			c.SetDefault("aws:PrincipalTag/"+k, v)
		}
	}
}

func roleARN(partition, account, name string) string {
	return "arn:" + partition + ":iam::" + account + ":role/" + name
}

func lastComponent(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

func isAccountID(s string) bool {
	return len(s) == 12 && allDigits(s)
}

func syntheticID(prefix, seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
