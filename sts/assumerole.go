package sts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/eval"
	"github.com/connect-iam/connect-iam/internal/trust"
	"github.com/connect-iam/connect-iam/policy"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/store"
)

// roleARNParts splits a role ARN into partition, account and name.
func roleARNParts(a string) (partition, account, name string, ok bool) {
	parts := strings.SplitN(a, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "iam" || parts[3] != "" ||
		!store.ValidAccountID(parts[4]) || !strings.HasPrefix(parts[5], "role/") {
		return "", "", "", false
	}
	name = parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	return parts[1], parts[4], name, name != ""
}

func (s *Service) assumeRole(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	p := call.Params
	roleARN := p.Required("RoleArn")
	p.Length("RoleArn", 20, 2048)
	sessionName := p.Required("RoleSessionName")
	p.Length("RoleSessionName", 2, 64)
	p.Pattern("RoleSessionName", reSessionName)
	p.Range("DurationSeconds", int64(MinDuration/time.Second), int64(MaxAssumeRoleDuration/time.Second))
	dur := duration(p, DefaultRoleDuration)
	externalID, hasExternalID := p.Lookup("ExternalId")
	p.Length("ExternalId", 2, 1224)
	p.Pattern("ExternalId", reExternalID)
	sourceIdentity, hasSourceIdentity := p.Lookup("SourceIdentity")
	p.Length("SourceIdentity", 2, 64)
	p.Pattern("SourceIdentity", reSessionName)
	mfaParams(p)
	tags := readTags(p)
	transitive := p.List("TransitiveTagKeys")
	if len(transitive) > MaxSessionTags {
		p.Violate("TransitiveTagKeys", fmt.Sprintf("Member must have length less than or equal to %d", MaxSessionTags))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	partition, account, roleName, ok := roleARNParts(roleARN)
	if !ok {
		return nil, validationError(fmt.Sprintf("%s is not a valid role ARN: write arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME (with the role's path, if any).", roleARN))
	}
	if c.Kind == authz.FederatedUserCaller {
		return nil, accessDenied("Cannot call AssumeRole with federated user credentials: credentials from GetFederationToken can call only GetCallerIdentity in STS.")
	}
	mfaOK, err := s.verifyMFA(ctx, p, c)
	if err != nil {
		return nil, err
	}
	denied := func() error {
		return accessDenied(fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.ARN, roleARN))
	}

	var role store.Role
	var roleTags []store.Tag
	err = s.d.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if role, err = tx.GetRole(account, roleName); err != nil {
			return err
		}
		// The trust policy as IAM keeps it: principals deleted since it
		// was saved stand as their old unique IDs and match nobody new.
		if role.AssumeRolePolicyDocument, err = trust.Effective(tx, role); err != nil {
			return err
		}
		roleTags, err = tx.ListTags(account, store.EntityRef{Kind: store.KindRole, Name: role.Name})
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, denied() // AWS does not reveal whether the role exists
	}
	if err != nil {
		return nil, err
	}
	if role.ARN != roleARN {
		return nil, denied()
	}

	// Durations.
	chained := c.Kind == authz.AssumedRoleCaller
	maxDur := role.MaxSessionDuration
	if maxDur <= 0 {
		maxDur = time.Hour
	}
	if dur > maxDur {
		return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if chained && dur > RoleChainingMaxSession {
		return nil, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}

	// Session tags and their transitivity (spec §8.2).
	var inherited []store.Tag
	var inheritedKeys []string
	var inheritedSourceIdentity string
	chainDepth := 0
	if sess := c.Session; sess != nil && chained {
		chainDepth = sess.ChainDepth + 1
		for _, t := range sess.Tags {
			if containsFold(sess.TransitiveTagKeys, t.Key) {
				inherited = append(inherited, t)
				inheritedKeys = append(inheritedKeys, t.Key)
			}
		}
		inheritedSourceIdentity = sess.SourceIdentity
	}
	if k, dup := duplicateKey(tags); dup {
		return nil, invalidParam(fmt.Sprintf("Duplicate tag keys found: %s. Please note that Tag keys are case insensitive.", k))
	}
	for _, t := range tags {
		if containsFold(inheritedKeys, t.Key) {
			return nil, invalidParam(fmt.Sprintf("One or more session tags specified in the request are already set as transitive session tags: %s. An inherited transitive tag cannot be overridden; remove it from Tags.", t.Key))
		}
	}
	for _, k := range transitive {
		found := false
		for _, t := range tags {
			found = found || strings.EqualFold(t.Key, k)
		}
		if !found {
			return nil, invalidParam(fmt.Sprintf("The transitive tag key %s is not among the session tags of the request; every key in TransitiveTagKeys must be the key of a tag in Tags.", k))
		}
	}
	if hasSourceIdentity && inheritedSourceIdentity != "" && sourceIdentity != inheritedSourceIdentity {
		return nil, validationError(fmt.Sprintf("The source identity of a role session cannot be changed: it is already set to %s. Omit SourceIdentity or pass the same value.", inheritedSourceIdentity))
	}
	if !hasSourceIdentity {
		sourceIdentity = inheritedSourceIdentity
	}

	sp, err := s.readSessionPolicies(ctx, p, account, -1)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		sp.size += len(t.Key) + len(t.Value)
	}
	var packed *int
	if sp.given || len(tags) > 0 {
		if packed, err = packedSize(sp.size); err != nil {
			return nil, err
		}
	}

	// Authorization: the trust policy must allow, and so must the usual
	// evaluation of the caller's policies.
	trust, err := s.compileTrust(role)
	if err != nil {
		return nil, err
	}
	reqCtx := map[string][]string{"sts:RoleSessionName": {sessionName}}
	if mfaOK {
		// The trust policy sees the MFA of this request, authenticated now.
		reqCtx["aws:MultiFactorAuthPresent"] = []string{"true"}
		reqCtx["aws:MultiFactorAuthAge"] = []string{"0"}
	}
	if hasExternalID {
		reqCtx["sts:ExternalId"] = []string{externalID}
	}
	if hasSourceIdentity {
		reqCtx["sts:SourceIdentity"] = []string{sourceIdentity}
	}
	if len(transitive) > 0 {
		reqCtx["sts:TransitiveTagKeys"] = transitive
	}
	tagContext(reqCtx, tags)
	actions := []string{"sts:AssumeRole"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	if hasSourceIdentity && inheritedSourceIdentity == "" {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	for _, action := range actions {
		err := s.authorize(ctx, call, &authz.Request{Caller: c, Action: action, Resource: role.ARN, ResourceAccount: role.AccountID,
			Context: reqCtx, ResourceTags: authz.MergeTags(roleTags, inherited), ResourcePolicy: trust, RequireResourceAllow: true})
		if err != nil {
			return nil, err
		}
	}

	now := s.now().UTC().Truncate(time.Second)
	cr := newCredentials()
	exp := now.Add(dur)
	sess := store.Session{
		AccountID:         role.AccountID,
		Kind:              store.SessionAssumedRole,
		PrincipalARN:      "arn:" + partition + ":sts::" + role.AccountID + ":assumed-role/" + role.Name + "/" + sessionName,
		PrincipalID:       role.ID + ":" + sessionName,
		SourceARN:         role.ARN,
		SessionName:       sessionName,
		Policy:            sp.inline,
		PolicyARNs:        sp.arns,
		Tags:              append(inherited, tags...),
		TransitiveTagKeys: append(inheritedKeys, transitive...),
		SourceIdentity:    sourceIdentity,
		ChainDepth:        chainDepth,
		MFAAuthenticated:  mfaOK || (c.Session != nil && c.Session.MFAAuthenticated),
		Created:           now,
		Expiration:        exp,
	}
	region := ""
	if call.Auth != nil {
		region = call.Auth.Region
	}
	var recordUse func(tx store.Tx) error
	if s.roleUseDue(role.ARN, now) {
		// At most once a minute per role: UpdateRole invalidates the
		// authorizer's caches.
		recordUse = func(tx store.Tx) error {
			r, err := tx.GetRole(role.AccountID, role.Name)
			if err != nil {
				return err
			}
			r.LastUsed, r.LastUsedRegion = now, region
			return tx.UpdateRole(r)
		}
	}
	err = s.storeSession(ctx, cr, sess, recordUse)
	if err != nil {
		return nil, err
	}
	out := &assumeRoleResult{Credentials: cr.xml(exp), PackedPolicySize: packed, SourceIdentity: sourceIdentity}
	out.AssumedRoleUser.Arn = sess.PrincipalARN
	out.AssumedRoleUser.AssumedRoleID = sess.PrincipalID
	return out, nil
}

// compileTrust compiles a role's trust policy as its resource-based policy.
func (s *Service) compileTrust(role store.Role) (*eval.Policy, error) {
	parsed, err := policy.Parse([]byte(role.AssumeRolePolicyDocument))
	if err != nil {
		return nil, fmt.Errorf("sts: the trust policy of role %s cannot be parsed: %w; fix it with UpdateAssumeRolePolicy", role.ARN, err)
	}
	opts := []eval.Option{eval.WithName("role trust policy of " + role.ARN)}
	if s.d.Catalog != nil {
		opts = append(opts, eval.WithKeyTypes(s.d.Catalog.KeyTypeName))
	}
	pol, err := eval.Compile(parsed, opts...)
	if err != nil {
		return nil, fmt.Errorf("sts: the trust policy of role %s cannot be compiled: %w; fix it with UpdateAssumeRolePolicy", role.ARN, err)
	}
	return pol, nil
}
