package apiservice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/text"
	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

// execute runs a generic operation.
func (p *plan) execute(ctx context.Context, c *call) (any, error) {
	switch p.kind {
	case kCreate, kPut:
		return p.create(ctx, c)
	case kDescribe:
		return p.describe(ctx, c)
	case kUpdate:
		return p.update(ctx, c)
	case kDelete:
		return p.delete(ctx, c)
	case kList:
		return p.list(ctx, c)
	case kAssociate, kDisassociate:
		return p.associate(ctx, c)
	case kListAssoc:
		return p.listAssociations(ctx, c)
	case kTag, kUntag, kListTags:
		return p.tags(ctx, c)
	}
	return p.other(ctx, c)
}

// str returns the input member name as a string ("" when absent).
func (c *call) str(name string) string {
	switch x := c.in[name].(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

// lastSegment returns an identifier given as an ARN as its last segment.
func lastSegment(v string) string {
	if strings.HasPrefix(v, "arn:") {
		return v[strings.LastIndexAny(v, "/:")+1:]
	}
	return v
}

// scope returns the parent scope of r in the call: its parents' values
// joined with "/".
func (r *resource) scope(c *call) string {
	var parts []string
	for _, p := range r.parents {
		parts = append(parts, lastSegment(c.str(p)))
	}
	return strings.Join(parts, "/")
}

// key returns the store ID of the resource named id in scope: the ID
// itself for generated identifiers, scope/name for names.
func (r *resource) key(scope, id string) string {
	if r.named && scope != "" {
		return scope + "/" + id
	}
	return id
}

// arn returns the ARN of the resource id of r in the call.
func (p *plan) arn(c *call, r *resource, id string) string {
	if r.rt != nil {
		ph := placeholders(r.rt.ARN)
		extra := map[string]string{}
		if len(ph) > 0 {
			extra[ph[len(ph)-1]] = id
		}
		a, _ := p.e.fill(r.rt.ARN, c, c.values(extra))
		return a
	}
	a := "arn:aws:" + p.e.svc.Prefix + ":" + c.region + ":" + c.acct + ":" + kebab(r.noun) + "/"
	if s := r.scope(c); s != "" {
		a += s + "/"
	}
	return a + id
}

// record is a stored resource as an output is built from it.
type record struct {
	store.Resource
	attrs map[string]any
	tags  []store.Tag
	res   *resource
}

func newRecord(r store.Resource, res *resource) *record {
	rec := &record{Resource: r, res: res}
	if len(r.Attributes) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(r.Attributes)))
		dec.UseNumber()
		_ = dec.Decode(&rec.attrs)
	}
	if rec.attrs == nil {
		rec.attrs = map[string]any{}
	}
	return rec
}

// nameOf returns the resource's name member in the Create input.
func (r *resource) nameMember() string {
	if r.create == nil {
		return ""
	}
	for _, n := range []string{"Name", r.noun + "Name", lowerFirst(r.noun) + "Name", "name"} {
		if m := member(r.create.in, n); m != "" {
			return m
		}
	}
	return ""
}

// duplicateCodes are the errors services answer a duplicate with.
var duplicateCodes = []string{"DuplicateResourceException", "ResourceConflictException", "ConflictException", "ResourceAlreadyExistsException", "AlreadyExistsException", "ResourceInUseException"}

func (p *plan) models(codes ...string) string {
	for _, c := range codes {
		if p.op.HasError(c) {
			return c
		}
	}
	return ""
}

func (p *plan) create(ctx context.Context, c *call) (any, error) {
	r := p.res
	tags, err := p.requestTags(c.in)
	if err != nil {
		return nil, err
	}
	scope := r.scope(c)
	id := ""
	if r.named {
		id = lastSegment(c.str(r.idLabel))
	}
	if id == "" {
		id = p.e.NewID()
	}
	arn := p.arn(c, r, id)
	ph := map[string]string{}
	if r.rt != nil {
		if all := placeholders(r.rt.ARN); len(all) > 0 {
			ph[all[len(all)-1]] = id
		}
	}
	kv := p.conditionKeys(c, tags)
	if err := p.e.authorize(ctx, c, p.action, kv, p.targets(c, ph)); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := p.e.authorize(ctx, c, p.e.svc.Prefix+":TagResource", p.conditionKeys(c, tags), []string{arn}); err != nil {
			return nil, err
		}
	}
	attrs := map[string]any{}
	for k, v := range c.in {
		if k != member(p.in, "Tags") {
			attrs[k] = v
		}
	}
	raw, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	name := ""
	nameKey := ""
	if nm := r.nameMember(); nm != "" {
		name = c.str(nm)
		if p.models(duplicateCodes...) != "" && !r.named {
			nameKey = strings.ToLower(name)
		}
	}
	res := store.Resource{AccountID: c.acct, Service: p.e.svc.Prefix, Type: r.typ, ID: r.key(scope, id), ParentID: scope,
		ARN: arn, Name: name, NameKey: nameKey, Attributes: raw, Created: c.now}
	var rec *record
	err = p.e.Store.Update(ctx, func(tx store.Tx) error {
		if err := p.e.parentsExist(tx, c, r); err != nil {
			return err
		}
		if p.kind == kPut {
			if cur, err := tx.GetResource(c.acct, res.Service, res.Type, res.ID); err == nil {
				res.Revision, res.Created = cur.Revision, cur.Created
				got, err := tx.UpdateResource(res)
				if err != nil {
					return err
				}
				rec = newRecord(got, r)
				return tx.TagResource(arn, storeTags(tags))
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		got, err := tx.CreateResource(res)
		if err != nil {
			return err
		}
		if len(tags) > 0 {
			if err := tx.TagResource(arn, storeTags(tags)); err != nil {
				return err
			}
		}
		rec = newRecord(got, r)
		rec.tags = storeTags(tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.shape(c, rec), nil
}

// parentsExist reports ResourceNotFoundException for a parent the
// request names that is not stored.
func (e *engine) parentsExist(tx store.ReadTx, c *call, r *resource) error {
	for _, label := range r.parents {
		parent := e.byIDLabel(label, len(r.parents))
		if parent == nil {
			continue
		}
		v := lastSegment(c.str(label))
		if v == "" {
			continue
		}
		scope := parent.scope(c)
		if _, err := tx.GetResource(c.acct, e.svc.Prefix, parent.typ, parent.key(scope, v)); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &notFoundError{noun: parent.noun, id: v}
			}
			return err
		}
	}
	return nil
}

// byIDLabel returns the resource identified by the member label that has
// fewer than depth parents.
func (e *engine) byIDLabel(label string, depth int) *resource {
	for _, n := range e.nouns {
		r := e.resources[n]
		if strings.EqualFold(r.idLabel, label) && len(r.parents) < depth {
			return r
		}
	}
	return nil
}

type notFoundError struct{ noun, id string }

func (e *notFoundError) Error() string {
	return fmt.Sprintf("%s %s not found; check the identifier and the resource it belongs to (a List operation lists them).", humanNoun(e.noun), e.id)
}

func humanNoun(noun string) string {
	s := strings.ReplaceAll(kebab(noun), "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func storeTags(m map[string]string) []store.Tag {
	out := make([]store.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, store.Tag{Key: k, Value: m[k]})
	}
	return out
}

// load reads the resource the call names and its tags; a missing one is
// a notFoundError.
func (p *plan) load(tx store.ReadTx, c *call) (*record, error) {
	r := p.res
	id := lastSegment(c.str(r.idLabel))
	scope := r.scope(c)
	got, err := tx.GetResource(c.acct, p.e.svc.Prefix, r.typ, r.key(scope, id))
	if err == nil && !r.named && scope != "" && got.ParentID != scope {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, &notFoundError{noun: r.noun, id: id}
	}
	if err != nil {
		return nil, err
	}
	rec := newRecord(got, r)
	rec.tags, err = tx.ListResourceTags(got.ARN)
	return rec, err
}

// authorizeOn authorizes the call's action on the catalog's targets, the
// resource the call names filling its placeholder.
func (p *plan) authorizeOn(ctx context.Context, c *call) error {
	extra := map[string]string{}
	if r := p.res; r != nil && r.rt != nil {
		if ph := placeholders(r.rt.ARN); len(ph) > 0 {
			if v := lastSegment(c.str(r.idLabel)); v != "" {
				extra[ph[len(ph)-1]] = v
			}
		}
	}
	tags, err := p.requestTags(c.in)
	if err != nil {
		return err
	}
	return p.e.authorize(ctx, c, p.action, p.conditionKeys(c, tags), p.targets(c, extra))
}

func (p *plan) describe(ctx context.Context, c *call) (any, error) {
	if err := p.authorizeOn(ctx, c); err != nil {
		return nil, err
	}
	var rec *record
	err := p.e.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		rec, err = p.load(tx, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p.shape(c, rec), nil
}

func (p *plan) update(ctx context.Context, c *call) (any, error) {
	if err := p.authorizeOn(ctx, c); err != nil {
		return nil, err
	}
	var rec *record
	err := p.e.Store.Update(ctx, func(tx store.Tx) error {
		cur, err := p.load(tx, c)
		if err != nil {
			return err
		}
		for k, v := range c.in {
			if m := p.in.Members[k]; m != nil && m.Location == "" {
				cur.attrs[k] = v
			}
		}
		if nm := p.res.nameMember(); nm != "" {
			if v, ok := c.in[nm].(string); ok && v != "" {
				cur.Name = v
				if cur.NameKey != "" {
					cur.NameKey = strings.ToLower(v)
				}
			}
		}
		raw, err := json.Marshal(cur.attrs)
		if err != nil {
			return err
		}
		cur.Resource.Attributes = raw
		got, err := tx.UpdateResource(cur.Resource)
		if err != nil {
			return err
		}
		tags := cur.tags
		rec = newRecord(got, p.res)
		rec.tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.shape(c, rec), nil
}

func (p *plan) delete(ctx context.Context, c *call) (any, error) {
	if err := p.authorizeOn(ctx, c); err != nil {
		return nil, err
	}
	var rec *record
	err := p.e.Store.Update(ctx, func(tx store.Tx) error {
		var err error
		rec, err = p.load(tx, c)
		if err != nil {
			return err
		}
		return tx.DeleteResource(c.acct, rec.Service, rec.Type, rec.ID)
	})
	if err != nil {
		return nil, err
	}
	return p.shape(c, rec), nil
}

// page returns the call's page request: the paginator's input token and
// page size.
func (p *plan) page(c *call) store.ListOptions {
	opt := store.ListOptions{}
	inTok, limit := "NextToken", "MaxResults"
	if pg := p.op.Paginator; pg != nil {
		if t, _ := pg.Tokens(); t != "" {
			inTok = t
		}
		if pg.LimitKey != "" {
			limit = pg.LimitKey
		}
	}
	opt.Marker = c.str(member(p.in, inTok))
	if n, err := strconv.Atoi(c.str(member(p.in, limit))); err == nil && n > 0 {
		opt.MaxItems = n
	}
	return opt
}

// setPage puts the next page's token into out.
func (p *plan) setPage(out map[string]any, next string) {
	if next == "" {
		return
	}
	tok := "NextToken"
	if pg := p.op.Paginator; pg != nil {
		if _, t := pg.Tokens(); t != "" {
			tok = t
		}
	}
	if m := member(p.out, tok); m != "" {
		out[m] = next
	}
}

func (p *plan) list(ctx context.Context, c *call) (any, error) {
	sf := p.searchFilter(c)
	if len(sf.tags) > 0 {
		if err := p.authorizeSearch(ctx, c, sf); err != nil {
			return nil, err
		}
	} else if err := p.authorizeOn(ctx, c); err != nil {
		return nil, err
	}
	r := p.res
	scope := r.scope(c)
	var recs []*record
	var next string
	err := p.e.Store.View(ctx, func(tx store.ReadTx) error {
		if err := p.e.parentsExist(tx, c, r); err != nil {
			return err
		}
		rs, n, err := tx.ListResources(c.acct, p.e.svc.Prefix, r.typ, store.ResourceFilter{Parent: scope, HasParent: true}, p.page(c))
		if err != nil {
			return err
		}
		next = n
		for _, x := range rs {
			rec := newRecord(x, r)
			if rec.tags, err = tx.ListResourceTags(x.ARN); err != nil {
				return err
			}
			if sf.match(rec) {
				recs = append(recs, rec)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := p.synthStructure(c, p.out, 0)
	lm := listMember(p.model, p.out)
	lsh := p.model.Shape(p.out.Members[lm].Shape)
	items := []any{}
	ish := p.model.Shape(lsh.Member.Shape)
	for _, rec := range recs {
		items = append(items, p.fillValue(c, ish, rec, 1))
	}
	out[lm] = items
	p.setPage(out, next)
	return out, nil
}

// assocType is the store type of an association's records.
func (p *plan) assocType() string { return "association:" + kebab(p.assoc) }

// assocKeys returns the members that identify an association: the
// members the Associate and Disassociate operations share, besides the
// first path label (the scope).
func (p *plan) assocKeys() (scopeLabel string, keys []string) {
	e := p.e
	a, d := e.byName["Associate"+p.assoc], e.byName["Disassociate"+p.assoc]
	base := p
	if a != nil {
		base = a
	}
	if l := base.labels(); len(l) > 0 {
		scopeLabel = l[0]
	}
	for _, n := range base.in.MemberNames() {
		if n == scopeLabel || n == member(base.in, "ClientToken") {
			continue
		}
		if d != nil && member(d.in, n) == "" {
			continue
		}
		keys = append(keys, n)
	}
	return scopeLabel, keys
}

func (p *plan) associate(ctx context.Context, c *call) (any, error) {
	if err := p.authorizeOn(ctx, c); err != nil {
		return nil, err
	}
	scopeLabel, keys := p.assocKeys()
	scope := lastSegment(c.str(member(p.in, scopeLabel)))
	h := sha256.New()
	for _, k := range keys {
		b, _ := json.Marshal(c.in[member(p.in, k)])
		fmt.Fprintf(h, "%s=%s\n", strings.ToLower(k), b)
	}
	id := scope + "/" + hex.EncodeToString(h.Sum(nil))[:32]
	typ := p.assocType()
	raw, err := json.Marshal(c.in)
	if err != nil {
		return nil, err
	}
	err = p.e.Store.Update(ctx, func(tx store.Tx) error {
		if scopeLabel != "" {
			if parent := p.e.byIDLabel(scopeLabel, len(p.labels())); parent != nil && scope != "" {
				if _, err := tx.GetResource(c.acct, p.e.svc.Prefix, parent.typ, parent.key(parent.scope(c), scope)); errors.Is(err, store.ErrNotFound) {
					return &notFoundError{noun: parent.noun, id: scope}
				}
			}
		}
		cur, err := tx.GetResource(c.acct, p.e.svc.Prefix, typ, id)
		if p.kind == kDisassociate {
			if errors.Is(err, store.ErrNotFound) {
				return &notFoundError{noun: p.assoc, id: "association"}
			}
			if err != nil {
				return err
			}
			return tx.DeleteResource(c.acct, p.e.svc.Prefix, typ, id)
		}
		switch {
		case err == nil:
			cur.Attributes = raw
			_, err = tx.UpdateResource(cur)
			return err
		case errors.Is(err, store.ErrNotFound):
			_, err = tx.CreateResource(store.Resource{AccountID: c.acct, Service: p.e.svc.Prefix, Type: typ, ID: id, ParentID: scope,
				ARN: "association:" + p.e.svc.Prefix + ":" + c.acct + ":" + typ + "/" + id, Attributes: raw, Created: c.now})
			return err
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := p.synthStructure(c, p.out, 0)
	if m := member(p.out, "AssociationId"); m != "" {
		out[m] = assocID(id)
	}
	return out, nil
}

// assocID is the identifier of an association shown to clients.
func assocID(storeID string) string { return storeID[strings.LastIndex(storeID, "/")+1:] }

func (p *plan) listAssociations(ctx context.Context, c *call) (any, error) {
	if err := p.authorizeOn(ctx, c); err != nil {
		return nil, err
	}
	scopeLabel, keys := p.assocKeys()
	scope := lastSegment(c.str(member(p.in, scopeLabel)))
	var recs []*record
	var next string
	err := p.e.Store.View(ctx, func(tx store.ReadTx) error {
		rs, n, err := tx.ListResources(c.acct, p.e.svc.Prefix, p.assocType(), store.ResourceFilter{Parent: scope, HasParent: true}, p.page(c))
		next = n
		for _, x := range rs {
			recs = append(recs, newRecord(x, nil))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := p.synthStructure(c, p.out, 0)
	lm := listMember(p.model, p.out)
	if lm == "" {
		return out, nil
	}
	lsh := p.model.Shape(p.out.Members[lm].Shape)
	ish := p.model.Shape(lsh.Member.Shape)
	// The Associate input member that is one listed item, if any.
	whole := ""
	if a := p.e.byName["Associate"+p.assoc]; a != nil {
		for _, n := range a.in.MemberNames() {
			if a.in.Members[n].Shape == lsh.Member.Shape {
				whole = n
			}
		}
	}
	items := []any{}
	for _, rec := range recs {
		if !p.matches(c, rec) {
			continue
		}
		if whole != "" {
			if v, ok := lookup(rec.attrs, whole); ok {
				if cv, ok := p.conv(ish, v, 1); ok {
					if m, ok := cv.(map[string]any); ok {
						if am := member(ish, "AssociationId"); am != "" {
							m[am] = assocID(rec.ID)
						}
					}
					items = append(items, cv)
					continue
				}
			}
		}
		if ish != nil && ish.Type != "structure" {
			for _, k := range keys {
				if v, ok := lookup(rec.attrs, k); ok {
					items = append(items, v)
					break
				}
			}
			continue
		}
		items = append(items, p.fillValue(c, ish, rec, 1))
	}
	out[lm] = items
	p.setPage(out, next)
	return out, nil
}

// matches reports whether an association record fits the filters of a
// List call: every input member besides the scope and the page that the
// record has must be equal.
func (p *plan) matches(c *call, rec *record) bool {
	skip := map[string]bool{}
	if l := p.labels(); len(l) > 0 {
		skip[l[0]] = true
	}
	if pg := p.op.Paginator; pg != nil {
		in, _ := pg.Tokens()
		skip[member(p.in, in)] = true
		skip[member(p.in, pg.LimitKey)] = true
	}
	skip[member(p.in, "NextToken")] = true
	skip[member(p.in, "MaxResults")] = true
	for k, v := range c.in {
		if skip[k] {
			continue
		}
		if have, ok := lookup(rec.attrs, k); ok && fmt.Sprint(have) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

// tags serves TagResource, UntagResource and ListTagsForResource.
func (p *plan) tags(ctx context.Context, c *call) (any, error) {
	arn := ""
	for _, n := range []string{"resourceArn", "ResourceArn", "resourceARN", "arn"} {
		if m := member(p.in, n); m != "" {
			arn = c.str(m)
			break
		}
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != p.e.svc.Prefix {
		return nil, p.modelError(p.validationCode(), fmt.Sprintf("%q is not an ARN of %s; name the resource by its ARN (arn:aws:%s:REGION:ACCOUNT:...), percent-encoded in the path.", arn, p.e.svc.Prefix, p.e.svc.Prefix))
	}
	tags, err := p.requestTags(c.in)
	if err != nil {
		return nil, err
	}
	var keys []string
	if m := member(p.in, "TagKeys"); m != "" {
		if l, ok := c.in[m].([]any); ok {
			for _, k := range l {
				if s, ok := k.(string); ok {
					keys = append(keys, s)
				}
			}
		}
	}
	kv := p.conditionKeys(c, tags)
	if len(keys) > 0 {
		kv["aws:TagKeys"] = keys
	}
	p.arnConditionKeys(kv, arn)
	if err := p.e.authorize(ctx, c, p.action, kv, []string{arn}); err != nil {
		return nil, err
	}
	var stored []store.Tag
	err = p.e.Store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.GetResourceByARN(arn)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (r.AccountID != c.acct || r.Service != p.e.svc.Prefix)) {
			return &notFoundError{noun: "Resource", id: arn}
		}
		if err != nil {
			return err
		}
		switch p.kind {
		case kTag:
			if err := tx.TagResource(arn, storeTags(tags)); err != nil {
				return err
			}
		case kUntag:
			if err := tx.UntagResource(arn, keys); err != nil {
				return err
			}
		}
		stored, err = tx.ListResourceTags(arn)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := p.synthStructure(c, p.out, 0)
	if p.kind == kListTags {
		if m := member(p.out, "tags"); m != "" {
			out[m] = tagsValue(p.model.Shape(p.out.Members[m].Shape), stored)
		}
	}
	return out, nil
}

// other answers an operation with no generic store behaviour: it is
// authorized and answers an output with every required member.
func (p *plan) other(ctx context.Context, c *call) (any, error) {
	if err := p.authorizeOn(ctx, c); err != nil {
		return nil, err
	}
	return p.synthStructure(c, p.out, 0), nil
}

// mapError converts the engine's errors to the operation's modeled ones.
func (p *plan) mapError(err error) error {
	var re *restjson.Error
	var ad *authz.AccessDeniedError
	var nf *notFoundError
	switch {
	case errors.As(err, &re):
		return re
	case errors.As(err, &ad):
		return p.modelError("AccessDeniedException", ad.Message)
	case errors.As(err, &nf):
		return p.modelError(p.notFoundCode(), nf.Error())
	case errors.Is(err, store.ErrNotFound):
		return p.modelError(p.notFoundCode(), sentence(err))
	case errors.Is(err, store.ErrAlreadyExists):
		code := p.models(duplicateCodes...)
		if code == "" {
			code = "ConflictException"
		}
		return p.modelError(code, sentence(err))
	case errors.Is(err, store.ErrConflict):
		code := p.models("ResourceInUseException", "ResourceConflictException", "ConflictException")
		if code == "" {
			code = "ConflictException"
		}
		return p.modelError(code, sentence(err))
	case errors.Is(err, store.ErrLimitExceeded):
		code := p.models("LimitExceededException", "ServiceQuotaExceededException")
		if code == "" {
			code = "ServiceQuotaExceededException"
		}
		return p.modelError(code, sentence(err))
	case errors.Is(err, store.ErrInvalidArgument):
		return p.modelError(p.validationCode(), sentence(err))
	}
	return err
}

func (p *plan) notFoundCode() string {
	if c := p.models("ResourceNotFoundException", "NotFoundException", "ResourceNotFound"); c != "" {
		return c
	}
	return "ResourceNotFoundException"
}

// sentence turns a store error into a message, without its "store: "
// prefix.
func sentence(err error) string { return text.Sentence(strings.TrimPrefix(err.Error(), "store: ")) }

// modelError returns the error code with the status the model gives it.
func (p *plan) modelError(code, msg string) *restjson.Error {
	status, ok := p.model.ErrorStatus(code)
	if !ok {
		switch code {
		case "AccessDeniedException":
			status = http.StatusForbidden
		case "ResourceNotFoundException":
			status = http.StatusNotFound
		case "ConflictException":
			status = http.StatusConflict
		default:
			status = http.StatusBadRequest
		}
	}
	return &restjson.Error{Code: p.model.ErrorCode(code), Message: msg, Status: status}
}
