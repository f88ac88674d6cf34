// Package eval is the IAM decision engine: it compiles parsed policies
// into an efficient form once and decides requests against them many
// times, and it explains its decisions.
//
//	p, err := eval.Compile(parsed, eval.WithName("identityPolicies[0]"), eval.WithType(eval.Identity))
//	set := &eval.PolicySet{Identity: []*eval.Policy{p}}
//	principal, err := eval.ParsePrincipal("arn:aws:iam::111122223333:user/alice")
//	ctx := eval.NewContext()
//	ctx.Set("aws:ResourceTag/Department", "Test")
//	principal.AddToContext(ctx)
//	req := &eval.Request{Principal: principal, Action: "connect:DescribeUser", Resource: arn, Context: ctx}
//	decision := set.Decide(req)   // fast: no allocation
//	why := set.Explain(req)       // slow: every statement, with reasons
//
// # Evaluation logic
//
// Decide follows the IAM evaluation logic (the project's specification,
// iam-spec.md §3): an explicit Deny in any applicable policy wins; every
// level of resource control policies (RCPs) and of service control
// policies (SCPs) must allow; a same-account resource-based policy that
// names the caller itself (or "*") allows on its own, one that names the
// role of a role session stands in for the identity-based allow but is
// still limited by the permissions boundary and session policies, and one
// that names the account only delegates to it; otherwise an
// identity-based policy must allow, then the permissions boundary (if
// any), then the session policies of a session (a GetFederationToken
// federated user without a session policy has no permissions, a role
// session keeps the role's). A cross-account request needs both the
// identity side and the resource owner's resource-based policy. The
// account root user is allowed everything in its own account on the
// identity side, but remains subject to SCPs and explicit denies.
// Anonymous callers and service principals can only be allowed by a
// resource-based policy. SCPs do not apply to the management account
// (Request.PrincipalInManagementAccount), nor RCPs to its resources
// (Request.ResourceInManagementAccount), nor either to service principals;
// SCPs do not apply to anonymous callers, nor to service-linked roles
// ("SCPs do not affect any service-linked role", Organizations guide): a
// role whose path is /aws-service-role/, or a session of it whose role
// ARN is known (Principal.IsServiceLinkedRole).
//
// Decisions where the documents leave room, as made here:
//
//   - A level of SCPs or RCPs with no applicable Allow is an ExplicitDeny:
//     "the request is explicitly denied, even if the denial is implicit".
//     No statement denied, so the explanation says what AWS says, "because
//     no service control policy allows the X action" (or "no resource
//     control policy"), and DecidedBy names the level rather than a
//     statement.
//   - The identity-based-policy cell for a same-account resource policy
//     that names a role (UNCONFIRMED): the grant replaces the identity
//     allow; the boundary and session policies still limit it.
//   - NotPrincipal excepts a caller only when it is listed with every
//     identity IAM may evaluate it as: a user with its account, a role
//     session with its role and account (spec §1.5).
//   - A Deny with NotPrincipal "will always deny any IAM principal that
//     has a permissions boundary policy attached, regardless of the values
//     specified in the NotPrincipal element" (IAM User Guide,
//     NotPrincipal): a user, role or session with a PermissionsBoundary in
//     the set is never excepted by it.
//   - A resource-based policy statement without Principal applies to
//     nobody. WithType(Resource) rejects it at compile time instead.
//
// # Matching
//
// Actions match case-insensitively with "*" and "?" anywhere; resources
// and ArnLike/ArnEquals values match field by field as package arn
// describes (UNCONFIRMED: "*" crosses colons inside the sixth, resource,
// field). A pattern of fewer than six fields ("arn:aws:connect:*",
// "arn:aws:connect:*:instance/i-1") is matched field by field too, its
// missing fields empty, so it matches no ARN; as a Resource or NotResource
// entry it is treated like an unresolvable one (see Policy variables): an
// Allow statement with it does not apply, and in a Deny it matches and
// exempts nothing. Condition key names are case-insensitive, including the tag key
// inside aws:ResourceTag/KEY, aws:RequestTag/KEY and aws:PrincipalTag/KEY.
//
// # Conditions
//
// Each operator is applied as spec §4 says: values of one key are OR'd,
// and negated operators (StringNotEquals, NotIpAddress, ArnNotLike, ...)
// are the negation of their positive form, so several policy values act
// as NOR and a missing key matches. IfExists matches a missing key;
// ForAnyValue never matches a missing or empty set, ForAllValues always
// does; Null "true" matches a missing key (or one with no values), and
// ForAllValues:Null / ForAnyValue:Null are always true / false. A request
// value the operator cannot read (a Numeric comparison with "abc") matches
// no policy value, so the negated operator matches it. Numbers are exact
// decimals (no exponents); dates are the W3C ISO 8601 forms (a time
// without zone is UTC) or epoch seconds, a bare four-digit number being a
// year; Bool accepts true and false in any case (UNCONFIRMED); IpAddress takes
// CIDR blocks, a bare address meaning /32 or /128; BinaryEquals compares
// base64-decoded bytes, and a request's binary value is given in base64.
// A policy value the operator cannot read is a compile error, as is an
// unknown operator: Compile never turns a bad condition into one that
// silently never matches.
//
// # Policy variables
//
// Under Version 2012-10-17, ${key} in Resource/NotResource (after the
// fifth colon; before it the text stays literal) and in the values of the
// String, ARN and Bool operators is replaced by the request's single value
// for the key (a key with several values cannot be a variable). ${*},
// ${?} and ${$} are literal characters, and ${key, 'default'} gives a
// default. Substituted text is matched literally, never as a wildcard. A
// missing variable without default makes a condition value "effectively
// null": it matches nothing (so the negated operators match). Under
// 2008-10-17 or without Version, variables are literal text.
//
// In Resource and NotResource the IAM guide says only that an unresolvable
// variable makes the match fail and "might cause the entire statement to
// be invalid". The engine decides fail-safe: an entry that cannot be
// resolved never widens access. An Allow statement with such an entry
// (in Resource or NotResource) does not apply at all, so
// "NotResource": ".../${aws:username}" grants nothing to a role session;
// in a Deny statement the entry matches nothing and exempts nothing, so a
// Deny with that NotResource still denies every resource its other
// entries do not exempt. Explain says which entry could not be resolved.
//
// # Performance
//
// Compiled policies index their statements by action: exact actions and
// the literal prefixes of wildcard actions in open-addressing tables
// keyed by a hash that Decide computes once per request, word by word,
// while it lower-cases the action, so a decision only looks at
// statements that can match. Decide splits the resource ARN once, matches
// the common shapes of ARN fields ("*", exact, "prefix*", ...) directly,
// and takes its own path, without the bookkeeping Explain needs (the two
// are tested against each other). Condition keys are interned, and a
// Context parses each value once when it is built and finds keys by
// hash, so Decide allocates nothing; see docs/performance.md.
package eval
