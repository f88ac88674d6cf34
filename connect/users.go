package connect

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateUser"] = (*handler).createUser
	operations["DescribeUser"] = (*handler).describeUser
	operations["ListUsers"] = (*handler).listUsers
	operations["DeleteUser"] = (*handler).deleteUser
	operations["UpdateUserIdentityInfo"] = (*handler).updateUserIdentityInfo
	operations["UpdateUserSecurityProfiles"] = (*handler).updateUserSecurityProfiles
	operations["UpdateUserRoutingProfile"] = (*handler).updateUserRoutingProfile
	operations["UpdateUserHierarchy"] = (*handler).updateUserHierarchy
	operations["SearchUsers"] = (*handler).searchUsers
}

// identityInfo is a user's UserIdentityInfo.
type identityInfo struct {
	FirstName      string `json:"FirstName,omitempty"`
	LastName       string `json:"LastName,omitempty"`
	Email          string `json:"Email,omitempty"`
	SecondaryEmail string `json:"SecondaryEmail,omitempty"`
	Mobile         string `json:"Mobile,omitempty"`
}

// phoneConfig is a user's UserPhoneConfig.
type phoneConfig struct {
	PhoneType                 string `json:"PhoneType"`
	AutoAccept                bool   `json:"AutoAccept"`
	AfterContactWorkTimeLimit int32  `json:"AfterContactWorkTimeLimit"`
	DeskPhoneNumber           string `json:"DeskPhoneNumber,omitempty"`
}

// userAttrs are the stored attributes of a user.
type userAttrs struct {
	Username           string        `json:"Username"`
	IdentityInfo       *identityInfo `json:"IdentityInfo,omitempty"`
	PhoneConfig        phoneConfig   `json:"PhoneConfig"`
	DirectoryUserID    string        `json:"DirectoryUserId,omitempty"`
	SecurityProfileIDs []string      `json:"SecurityProfileIds"`
	RoutingProfileID   string        `json:"RoutingProfileId"`
	HierarchyGroupID   string        `json:"HierarchyGroupId,omitempty"`
	LastModifiedRegion string        `json:"LastModifiedRegion"`
}

// userOut is a user in DescribeUser.
type userOut struct {
	ID                 string            `json:"Id"`
	Arn                string            `json:"Arn"`
	Username           string            `json:"Username"`
	IdentityInfo       *identityInfo     `json:"IdentityInfo,omitempty"`
	PhoneConfig        phoneConfig       `json:"PhoneConfig"`
	DirectoryUserID    string            `json:"DirectoryUserId,omitempty"`
	SecurityProfileIDs []string          `json:"SecurityProfileIds"`
	RoutingProfileID   string            `json:"RoutingProfileId"`
	HierarchyGroupID   string            `json:"HierarchyGroupId,omitempty"`
	Tags               map[string]string `json:"Tags,omitempty"`
	LastModifiedTime   restjson.Time     `json:"LastModifiedTime"`
	LastModifiedRegion string            `json:"LastModifiedRegion"`
}

var (
	reUsername = regexp.MustCompile(`^[a-zA-Z0-9_\-.@]+$`)
	rePassword = regexp.MustCompile(`^(?:[a-zA-Z0-9\S]){8,64}$`)
)

// checkIdentityInfo validates UserIdentityInfo.
func checkIdentityInfo(ii *identityInfo) error {
	if ii == nil {
		return nil
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"FirstName", ii.FirstName, 100}, {"LastName", ii.LastName, 100}, {"Email", ii.Email, 320}, {"SecondaryEmail", ii.SecondaryEmail, 320}} {
		if len(f.v) > f.max {
			return invalidParameter("IdentityInfo.%s is longer than %d characters.", f.name, f.max)
		}
	}
	for _, e := range []string{ii.Email, ii.SecondaryEmail} {
		if e != "" && !strings.Contains(e, "@") {
			return invalidParameter("Email address %q is not valid; write it as name@domain.", e)
		}
	}
	if ii.Mobile != "" && !rePhone.MatchString(ii.Mobile) {
		return invalidParameter("IdentityInfo.Mobile %q is not an E.164 phone number such as +12065550100.", ii.Mobile)
	}
	return nil
}

var rePhone = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)

// checkPhoneConfig validates UserPhoneConfig and fills in its default.
func checkPhoneConfig(pc *phoneConfig) error {
	switch pc.PhoneType {
	case "":
		pc.PhoneType = "SOFT_PHONE"
	case "SOFT_PHONE":
	case "DESK_PHONE":
		if pc.DeskPhoneNumber == "" {
			return invalidParameter("PhoneConfig.PhoneType DESK_PHONE requires PhoneConfig.DeskPhoneNumber.")
		}
	default:
		return invalidParameter("PhoneConfig.PhoneType %q is not valid; use SOFT_PHONE or DESK_PHONE.", pc.PhoneType)
	}
	if pc.AfterContactWorkTimeLimit < 0 || pc.AfterContactWorkTimeLimit > 2000000 {
		return invalidParameter("PhoneConfig.AfterContactWorkTimeLimit %d is out of range; use 0 to 2000000 seconds.", pc.AfterContactWorkTimeLimit)
	}
	if pc.DeskPhoneNumber != "" && !rePhone.MatchString(pc.DeskPhoneNumber) {
		return invalidParameter("PhoneConfig.DeskPhoneNumber %q is not an E.164 phone number such as +12065550100.", pc.DeskPhoneNumber)
	}
	return nil
}

// checkSecurityProfileIDs validates a list of security profile IDs.
func checkSecurityProfileIDs(ids []string) error {
	if len(ids) < 1 || len(ids) > 10 {
		return invalidParameter("SecurityProfileIds has %d IDs; give 1 to 10 security profile IDs.", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" {
			return invalidParameter("SecurityProfileIds contains an empty ID.")
		}
		if seen[id] {
			return invalidParameter("SecurityProfileIds lists %s twice; list each security profile once.", id)
		}
		seen[id] = true
	}
	return nil
}

// refs are resources a user operation references, read in one
// transaction.
type refs struct {
	inst    obj
	user    obj
	routing obj
	hier    obj
	sps     []obj
}

// readRefs reads the instance, the user userID (if not empty), the routing
// profile rp, the hierarchy group hg and the security profiles sps.
func (h *handler) readRefs(ctx context.Context, c *call, instID, userID, rp, hg string, sps []string) (refs, error) {
	var r refs
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if r.inst, err = readInstance(tx, c, instID); err != nil {
			return err
		}
		if r.user, err = readChild(tx, c, r.inst, kUser, userID); err != nil {
			return err
		}
		if r.routing, err = readChild(tx, c, r.inst, kRoutingProfile, rp); err != nil {
			return err
		}
		if r.hier, err = readChild(tx, c, r.inst, kHierarchyGroup, hg); err != nil {
			return err
		}
		for _, id := range sps {
			o, err := readChild(tx, c, r.inst, kSecurityProfile, id)
			if err != nil {
				return err
			}
			r.sps = append(r.sps, o)
		}
		return nil
	})
	return r, err
}

// missing returns ResourceNotFoundException for the first of the objects
// that does not exist.
func missing(inst obj, objs map[*kind][]obj) error {
	if !inst.found {
		return instanceMissing(inst.ID)
	}
	for _, k := range []*kind{kUser, kRoutingProfile, kSecurityProfile, kHierarchyGroup, kQueue, kFlow, kHours, kQuickConnect, kTaskTemplate} {
		for _, o := range objs[k] {
			if o.ID != "" && !o.found {
				return childMissing(k, o.ID)
			}
		}
	}
	return nil
}

func (h *handler) createUser(ctx context.Context, c *call) (any, error) {
	instID := c.Labels["InstanceId"]
	var in struct {
		Username           string
		Password           string
		IdentityInfo       *identityInfo
		PhoneConfig        *phoneConfig
		DirectoryUserID    string   `json:"DirectoryUserId"`
		SecurityProfileIDs []string `json:"SecurityProfileIds"`
		RoutingProfileID   string   `json:"RoutingProfileId"`
		HierarchyGroupID   string   `json:"HierarchyGroupId"`
		Tags               map[string]string
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	switch {
	case in.Username == "":
		return nil, invalidParameter("Username is required.")
	case len(in.Username) > 100 || !reUsername.MatchString(in.Username):
		return nil, invalidParameter("Username %q is not valid: use 1 to 100 letters, digits and the characters _ - . @.", in.Username)
	case in.Password != "" && !rePassword.MatchString(in.Password):
		return nil, invalidParameter("Password must be 8 to 64 characters long without spaces.")
	case in.RoutingProfileID == "":
		return nil, invalidParameter("RoutingProfileId is required.")
	}
	if err := checkSecurityProfileIDs(in.SecurityProfileIDs); err != nil {
		return nil, err
	}
	if err := checkIdentityInfo(in.IdentityInfo); err != nil {
		return nil, err
	}
	pc := phoneConfig{}
	if in.PhoneConfig != nil {
		pc = *in.PhoneConfig
	}
	if err := checkPhoneConfig(&pc); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := newID()
	r, err := h.readRefs(ctx, c, instID, id, in.RoutingProfileID, in.HierarchyGroupID, in.SecurityProfileIDs)
	if err != nil {
		return nil, err
	}
	targets := []target{r.user.target(), r.routing.target()}
	for _, sp := range r.sps {
		targets = append(targets, sp.target())
	}
	if in.HierarchyGroupID != "" {
		targets = append(targets, r.hier.target())
	}
	if err := h.authorize(ctx, c, "connect:CreateUser", tagsContext(instID, in.Tags), targets...); err != nil {
		return nil, err
	}
	if err := h.authorizeTagOnCreate(ctx, c, r.user.ARN, in.Tags); err != nil {
		return nil, err
	}
	if err := missing(r.inst, map[*kind][]obj{kRoutingProfile: {r.routing}, kSecurityProfile: r.sps, kHierarchyGroup: {r.hier}}); err != nil {
		return nil, err
	}
	var ia instanceAttrs
	if err := r.inst.Resource.DecodeAttributes(&ia); err != nil {
		return nil, err
	}
	if ia.IdentityManagementType == "CONNECT_MANAGED" && in.Password == "" {
		return nil, invalidParameter("Password is required for users of an instance that uses CONNECT_MANAGED identity management.")
	}
	a := userAttrs{Username: in.Username, IdentityInfo: in.IdentityInfo, PhoneConfig: pc, DirectoryUserID: in.DirectoryUserID,
		SecurityProfileIDs: in.SecurityProfileIDs, RoutingProfileID: in.RoutingProfileID, HierarchyGroupID: in.HierarchyGroupID,
		LastModifiedRegion: c.region}
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	res := store.Resource{AccountID: c.acct, Service: Service, Type: kUser.typ, ID: id, ParentID: instID, ARN: r.user.ARN,
		Name: in.Username, NameKey: strings.ToLower(in.Username), Attributes: raw, Created: now, Updated: now}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateResource(res); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return duplicate("User %s already exists in instance %s; choose another Username.", in.Username, instID)
			}
			return err
		}
		if len(in.Tags) > 0 {
			return tx.TagResource(res.ARN, store.TagsFromMap(in.Tags))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		UserID  string `json:"UserId"`
		UserArn string `json:"UserArn"`
	}{id, res.ARN}, nil
}

// userFor reads the user of the request's labels and authorizes action on
// it and on the extra targets that more returns from the references read.
func (h *handler) userFor(ctx context.Context, c *call, action, rp, hg string, sps []string, more func(r refs) []target) (refs, error) {
	instID, userID := c.Labels["InstanceId"], c.Labels["UserId"]
	r, err := h.readRefs(ctx, c, instID, userID, rp, hg, sps)
	if err != nil {
		return r, err
	}
	targets := []target{r.user.target()}
	if more != nil {
		targets = append(targets, more(r)...)
	}
	if err := h.authorize(ctx, c, action, instanceContext(instID), targets...); err != nil {
		return r, err
	}
	return r, missing(r.inst, map[*kind][]obj{kUser: {r.user}, kRoutingProfile: {r.routing}, kSecurityProfile: r.sps, kHierarchyGroup: {r.hier}})
}

// userOf converts a stored user.
func userOf(r store.Resource, tags []store.Tag) (userOut, error) {
	var a userAttrs
	if err := r.DecodeAttributes(&a); err != nil {
		return userOut{}, err
	}
	return userOut{ID: r.ID, Arn: r.ARN, Username: a.Username, IdentityInfo: a.IdentityInfo, PhoneConfig: a.PhoneConfig,
		DirectoryUserID: a.DirectoryUserID, SecurityProfileIDs: a.SecurityProfileIDs, RoutingProfileID: a.RoutingProfileID,
		HierarchyGroupID: a.HierarchyGroupID, Tags: store.TagMap(tags), LastModifiedTime: restjson.Time(r.Updated),
		LastModifiedRegion: a.LastModifiedRegion}, nil
}

func (h *handler) describeUser(ctx context.Context, c *call) (any, error) {
	r, err := h.userFor(ctx, c, "connect:DescribeUser", "", "", nil, nil)
	if err != nil {
		return nil, err
	}
	u, err := userOf(r.user.Resource, r.user.tags)
	if err != nil {
		return nil, err
	}
	return struct {
		User userOut `json:"User"`
	}{u}, nil
}

func (h *handler) listUsers(ctx context.Context, c *call) (any, error) {
	opt, err := page(c, 1000)
	if err != nil {
		return nil, err
	}
	inst, err := h.instanceFor(ctx, c, "connect:ListUsers")
	if err != nil {
		return nil, err
	}
	rs, next, err := h.listChildren(ctx, c, inst.ID, kUser, opt)
	if err != nil {
		return nil, err
	}
	type userSummary struct {
		ID                 string        `json:"Id"`
		Arn                string        `json:"Arn"`
		Username           string        `json:"Username"`
		LastModifiedTime   restjson.Time `json:"LastModifiedTime"`
		LastModifiedRegion string        `json:"LastModifiedRegion"`
	}
	out := struct {
		UserSummaryList []userSummary `json:"UserSummaryList"`
		NextToken       string        `json:"NextToken,omitempty"`
	}{UserSummaryList: []userSummary{}, NextToken: next}
	for _, r := range rs {
		var a userAttrs
		if err := r.DecodeAttributes(&a); err != nil {
			return nil, err
		}
		out.UserSummaryList = append(out.UserSummaryList, userSummary{r.ID, r.ARN, a.Username, restjson.Time(r.Updated), a.LastModifiedRegion})
	}
	return out, nil
}

func (h *handler) deleteUser(ctx context.Context, c *call) (any, error) {
	r, err := h.userFor(ctx, c, "connect:DeleteUser", "", "", nil, nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		return tx.DeleteResource(c.acct, Service, kUser.typ, r.user.ID)
	})
}

// updateUser applies change to the stored attributes of user r.user in a
// transaction that fails with ErrConflict if the user changed meanwhile.
func (h *handler) updateUser(ctx context.Context, c *call, r refs, change func(a *userAttrs)) error {
	return h.Store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.GetResource(c.acct, Service, kUser.typ, r.user.ID)
		if err != nil {
			return err
		}
		var a userAttrs
		if err := cur.DecodeAttributes(&a); err != nil {
			return err
		}
		change(&a)
		a.LastModifiedRegion = c.region
		if cur.Attributes, err = json.Marshal(a); err != nil {
			return err
		}
		cur.Updated = h.Now().UTC()
		_, err = tx.UpdateResource(cur)
		return err
	})
}

func (h *handler) updateUserIdentityInfo(ctx context.Context, c *call) (any, error) {
	var in struct{ IdentityInfo *identityInfo }
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if in.IdentityInfo == nil {
		return nil, invalidParameter("IdentityInfo is required.")
	}
	if err := checkIdentityInfo(in.IdentityInfo); err != nil {
		return nil, err
	}
	r, err := h.userFor(ctx, c, "connect:UpdateUserIdentityInfo", "", "", nil, nil)
	if err != nil {
		return nil, err
	}
	return nil, h.updateUser(ctx, c, r, func(a *userAttrs) { a.IdentityInfo = in.IdentityInfo })
}

func (h *handler) updateUserSecurityProfiles(ctx context.Context, c *call) (any, error) {
	var in struct {
		SecurityProfileIDs []string `json:"SecurityProfileIds"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if err := checkSecurityProfileIDs(in.SecurityProfileIDs); err != nil {
		return nil, err
	}
	r, err := h.userFor(ctx, c, "connect:UpdateUserSecurityProfiles", "", "", in.SecurityProfileIDs, func(r refs) []target {
		ts := make([]target, len(r.sps))
		for i, sp := range r.sps {
			ts[i] = sp.target()
		}
		return ts
	})
	if err != nil {
		return nil, err
	}
	return nil, h.updateUser(ctx, c, r, func(a *userAttrs) { a.SecurityProfileIDs = in.SecurityProfileIDs })
}

func (h *handler) updateUserRoutingProfile(ctx context.Context, c *call) (any, error) {
	var in struct {
		RoutingProfileID string `json:"RoutingProfileId"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if in.RoutingProfileID == "" {
		return nil, invalidParameter("RoutingProfileId is required.")
	}
	r, err := h.userFor(ctx, c, "connect:UpdateUserRoutingProfile", in.RoutingProfileID, "", nil, func(r refs) []target {
		return []target{r.routing.target()}
	})
	if err != nil {
		return nil, err
	}
	return nil, h.updateUser(ctx, c, r, func(a *userAttrs) { a.RoutingProfileID = in.RoutingProfileID })
}

func (h *handler) updateUserHierarchy(ctx context.Context, c *call) (any, error) {
	var in struct {
		HierarchyGroupID string `json:"HierarchyGroupId"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	r, err := h.userFor(ctx, c, "connect:UpdateUserHierarchy", "", in.HierarchyGroupID, nil, func(r refs) []target {
		if in.HierarchyGroupID == "" {
			return nil
		}
		return []target{r.hier.target()}
	})
	if err != nil {
		return nil, err
	}
	return nil, h.updateUser(ctx, c, r, func(a *userAttrs) { a.HierarchyGroupID = in.HierarchyGroupID })
}

// tagCondition is a TagCondition of a search filter.
type tagCondition struct {
	TagKey   string
	TagValue string
}

// stringCondition is a StringCondition of search criteria.
type stringCondition struct {
	FieldName      string
	Value          string
	ComparisonType string
}

// tagFilter is a ControlPlaneTagFilter.
type tagFilter struct {
	OrConditions  [][]tagCondition
	AndConditions []tagCondition
	TagCondition  *tagCondition
}

// conditions returns every tag condition of the filter.
func (f *tagFilter) conditions() []tagCondition {
	if f == nil {
		return nil
	}
	var out []tagCondition
	for _, and := range f.OrConditions {
		out = append(out, and...)
	}
	out = append(out, f.AndConditions...)
	if f.TagCondition != nil {
		out = append(out, *f.TagCondition)
	}
	return out
}

// matches reports whether tags satisfy the filter.
func (f *tagFilter) matches(tags map[string]string) bool {
	if f == nil {
		return true
	}
	has := func(tc tagCondition) bool {
		v, ok := tags[tc.TagKey]
		return ok && (tc.TagValue == "" || v == tc.TagValue)
	}
	if f.TagCondition != nil && !has(*f.TagCondition) {
		return false
	}
	for _, tc := range f.AndConditions {
		if !has(tc) {
			return false
		}
	}
	if len(f.OrConditions) == 0 {
		return true
	}
	for _, and := range f.OrConditions {
		ok := true
		for _, tc := range and {
			ok = ok && has(tc)
		}
		if ok {
			return true
		}
	}
	return false
}
