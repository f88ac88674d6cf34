package sts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/store"
)

// longTermOnly refuses callers that signed with temporary credentials.
func longTermOnly(c *authz.Caller, action string) error {
	if c.Session != nil || (c.Kind != authz.UserCaller && c.Kind != authz.RootCaller) {
		return accessDenied(fmt.Sprintf("Cannot call %s with session credentials; call it with the long-term access key of an IAM user.", action))
	}
	return nil
}

// partitionOf returns the partition of an ARN ("aws" if it has none).
func partitionOf(a string) string {
	parts := strings.SplitN(a, ":", 3)
	if len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

func (s *Service) getFederationToken(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	p := call.Params
	name := p.Required("Name")
	p.Length("Name", 2, 32)
	p.Pattern("Name", reFederationName)
	p.Range("DurationSeconds", int64(MinDuration/time.Second), int64(MaxFederationDuration/time.Second))
	dur := duration(p, DefaultTokenDuration)
	tags := readTags(p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := longTermOnly(c, "GetFederationToken"); err != nil {
		return nil, err
	}
	if c.Kind == authz.RootCaller && dur > RootMaxSession {
		dur = RootMaxSession
	}
	if k, dup := duplicateKey(tags); dup {
		return nil, invalidParam(fmt.Sprintf("Duplicate tag keys found: %s. Please note that Tag keys are case insensitive.", k))
	}
	sp, err := s.readSessionPolicies(ctx, p, c.AccountID, 2048)
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

	fedARN := "arn:" + partitionOf(c.ARN) + ":sts::" + c.AccountID + ":federated-user/" + name
	reqCtx := map[string][]string{}
	tagContext(reqCtx, tags)
	actions := []string{"sts:GetFederationToken"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	for _, action := range actions {
		if err := s.authorize(ctx, call, &authz.Request{Caller: c, Action: action, Resource: fedARN, Context: reqCtx}); err != nil {
			return nil, err
		}
	}

	// Created keeps sub-second precision: the session is checked against
	// the Created time of the user that obtained it (authz), so that a user
	// deleted and recreated within the same second is still told apart.
	created := s.now().UTC()
	exp := created.Truncate(time.Second).Add(dur)
	cr := newCredentials()
	sess := store.Session{
		AccountID:    c.AccountID,
		Kind:         store.SessionFederatedUser,
		PrincipalARN: fedARN,
		PrincipalID:  c.AccountID + ":" + name,
		SourceARN:    c.ARN,
		SessionName:  name,
		Policy:       sp.inline,
		PolicyARNs:   sp.arns,
		Tags:         tags,
		Created:      created,
		Expiration:   exp,
	}
	if err := s.storeSession(ctx, cr, sess, nil); err != nil {
		return nil, err
	}
	out := &federationResult{Credentials: cr.xml(exp), PackedPolicySize: packed}
	out.FederatedUser.Arn = fedARN
	out.FederatedUser.FederatedUserID = sess.PrincipalID
	return out, nil
}

// GetSessionToken needs no permission.
func (s *Service) getSessionToken(ctx context.Context, call *server.QueryCall) (any, error) {
	c, err := callerOf(call)
	if err != nil {
		return nil, err
	}
	p := call.Params
	p.Range("DurationSeconds", int64(MinDuration/time.Second), int64(MaxFederationDuration/time.Second))
	dur := duration(p, DefaultTokenDuration)
	mfaParams(p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := longTermOnly(c, "GetSessionToken"); err != nil {
		return nil, err
	}
	mfaOK, err := s.verifyMFA(ctx, p, c)
	if err != nil {
		return nil, err
	}
	if c.Kind == authz.RootCaller && dur > RootMaxSession {
		dur = RootMaxSession
	}
	now := s.now().UTC().Truncate(time.Second)
	exp := now.Add(dur)
	cr := newCredentials()
	name := c.UserName
	if name == "" {
		name = c.AccountID
	}
	sess := store.Session{
		AccountID:        c.AccountID,
		Kind:             store.SessionUser,
		PrincipalARN:     c.ARN,
		PrincipalID:      c.UserID,
		SourceARN:        c.ARN,
		SessionName:      name,
		MFAAuthenticated: mfaOK,
		Created:          now,
		Expiration:       exp,
	}
	if err := s.storeSession(ctx, cr, sess, nil); err != nil {
		return nil, err
	}
	return &sessionTokenResult{Credentials: cr.xml(exp)}, nil
}
