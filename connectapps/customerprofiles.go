package connectapps

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/connect-iam/connect-iam/server/restjson"
	"github.com/connect-iam/connect-iam/store"
)

// Store types of Customer Profiles resources.
const (
	typeDomain     = "domain"
	typeObjectType = "object-type"
)

var customerProfiles = &service{
	models:  []string{"customer-profiles"},
	aliases: map[string]string{"RecommenderTypeName": "RecommenderName"},
	name:    CustomerProfiles,
	// Customer Profiles reports conflicts as BadRequestException too.
	errs: errorCodes{validation: "BadRequestException", notFound: "ResourceNotFoundException", conflict: "BadRequestException", conflictSt: http.StatusBadRequest},
	ops: map[string]op{
		"CreateDomain":            (*handler).createDomain,
		"GetDomain":               (*handler).getDomain,
		"ListDomains":             (*handler).listDomains,
		"DeleteDomain":            (*handler).deleteDomain,
		"PutProfileObjectType":    (*handler).putProfileObjectType,
		"GetProfileObjectType":    (*handler).getProfileObjectType,
		"ListProfileObjectTypes":  (*handler).listProfileObjectTypes,
		"DeleteProfileObjectType": (*handler).deleteProfileObjectType,
	},
}

// domain is the stored state of a domain.
type domain struct {
	DomainName            string            `json:"DomainName"`
	DefaultExpirationDays int32             `json:"DefaultExpirationDays"`
	DefaultEncryptionKey  string            `json:"DefaultEncryptionKey,omitempty"`
	DeadLetterQueueURL    string            `json:"DeadLetterQueueUrl,omitempty"`
	Matching              json.RawMessage   `json:"Matching,omitempty"`
	CreatedAt             restjson.Time     `json:"CreatedAt"`
	LastUpdatedAt         restjson.Time     `json:"LastUpdatedAt"`
	Tags                  map[string]string `json:"Tags,omitempty"`
}

// objectType is the stored state of a profile object type.
type objectType struct {
	ObjectTypeName                   string            `json:"ObjectTypeName"`
	Description                      string            `json:"Description"`
	TemplateID                       string            `json:"TemplateId,omitempty"`
	ExpirationDays                   *int32            `json:"ExpirationDays,omitempty"`
	EncryptionKey                    string            `json:"EncryptionKey,omitempty"`
	AllowProfileCreation             bool              `json:"AllowProfileCreation"`
	SourceLastUpdatedTimestampFormat string            `json:"SourceLastUpdatedTimestampFormat,omitempty"`
	Fields                           json.RawMessage   `json:"Fields,omitempty"`
	Keys                             json.RawMessage   `json:"Keys,omitempty"`
	CreatedAt                        restjson.Time     `json:"CreatedAt"`
	LastUpdatedAt                    restjson.Time     `json:"LastUpdatedAt"`
	Tags                             map[string]string `json:"Tags,omitempty"`
}

// Domain and object type names: 1 to 64 characters of letters, digits,
// '_' and '-'.
const profileNameChars = "_-"

func (h *handler) domainARN(c *call, name string) string {
	return h.arnOf(c, "domains/"+name)
}

func (h *handler) objectTypeARN(c *call, domainName, name string) string {
	return h.arnOf(c, "domains/"+domainName+"/object-types/"+name)
}

// objectTypeID is the store ID of an object type: IDs are unique per
// account and type, names only per domain.
func objectTypeID(domainName, name string) string { return domainName + "/" + name }

func (h *handler) createDomain(ctx context.Context, c *call) (any, error) {
	var in struct {
		DefaultExpirationDays *int32
		DefaultEncryptionKey  string
		DeadLetterQueueURL    string `json:"DeadLetterQueueUrl"`
		Matching              json.RawMessage
		Tags                  map[string]string
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	name := c.Labels["DomainName"]
	if err := h.checkName("DomainName", name, 64, profileNameChars); err != nil {
		return nil, err
	}
	if in.DefaultExpirationDays == nil || *in.DefaultExpirationDays < 1 || *in.DefaultExpirationDays > 1098 {
		return nil, h.invalid("DefaultExpirationDays is required and must be from 1 to 1098.")
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	arn := h.domainARN(c, name)
	if err := h.authorize(ctx, c, h.action("CreateDomain"), tagsContext(in.Tags), target{arn: arn}); err != nil {
		return nil, err
	}
	now := restjson.Time(h.Now().UTC())
	d := domain{DomainName: name, DefaultExpirationDays: *in.DefaultExpirationDays, DefaultEncryptionKey: in.DefaultEncryptionKey,
		DeadLetterQueueURL: in.DeadLetterQueueURL, Matching: in.Matching, CreatedAt: now, LastUpdatedAt: now}
	if _, err := h.create(ctx, store.Resource{AccountID: c.acct, Type: typeDomain, ID: name, ARN: arn, Name: name, Attributes: mustJSON(d)}, in.Tags, "Domain "+name); err != nil {
		return nil, err
	}
	d.Tags = in.Tags
	return d, nil
}

// domain reads the domain of the DomainName label and authorizes action
// on it.
func (h *handler) domain(ctx context.Context, c *call, action string) (obj, domain, error) {
	name := c.Labels["DomainName"]
	var d domain
	o, err := h.readAuthorized(ctx, c, h.action(action), typeDomain, name, h.domainARN(c, name), "Domain", nil)
	if err != nil {
		return o, d, err
	}
	err = o.Resource.DecodeAttributes(&d)
	d.Tags = store.TagMap(o.tags)
	return o, d, err
}

func (h *handler) getDomain(ctx context.Context, c *call) (any, error) {
	_, d, err := h.domain(ctx, c, "GetDomain")
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (h *handler) listDomains(ctx context.Context, c *call) (any, error) {
	opt, err := h.listOptions(c, "max-results", "next-token", 100)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, h.action("ListDomains"), nil, target{arn: "*"}); err != nil {
		return nil, err
	}
	page, err := listPage[domain](ctx, h, c, typeDomain, "", opt)
	if err != nil {
		return nil, err
	}
	type item struct {
		DomainName    string
		CreatedAt     restjson.Time
		LastUpdatedAt restjson.Time
		Tags          map[string]string `json:",omitempty"`
	}
	out := struct {
		Items     []item
		NextToken string `json:",omitempty"`
	}{Items: []item{}, NextToken: page.next}
	for i, d := range page.items {
		out.Items = append(out.Items, item{d.DomainName, d.CreatedAt, d.LastUpdatedAt, page.tags[i]})
	}
	return out, nil
}

func (h *handler) deleteDomain(ctx context.Context, c *call) (any, error) {
	o, d, err := h.domain(ctx, c, "DeleteDomain")
	if err != nil {
		return nil, err
	}
	// The domain's object types go with it, in the same transaction.
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		for {
			rs, _, err := tx.ListResources(c.acct, h.svc.name, typeObjectType, store.ResourceFilter{Parent: d.DomainName, HasParent: true}, store.ListOptions{MaxItems: 100})
			if err != nil {
				return err
			}
			if len(rs) == 0 {
				break
			}
			for _, r := range rs {
				if err := tx.DeleteResource(r.AccountID, r.Service, r.Type, r.ID); err != nil {
					return err
				}
			}
		}
		return tx.DeleteResource(o.AccountID, o.Service, o.Type, o.ID)
	})
	if err != nil {
		return nil, err
	}
	return struct{ Message string }{"Domain " + d.DomainName + " was deleted."}, nil
}

// objectType reads the object type of the DomainName and ObjectTypeName
// labels and authorizes action on the domain and on the object type.
func (h *handler) objectType(ctx context.Context, c *call, action string, kv map[string][]string, mustExist bool) (obj, objectType, error) {
	dn, name := c.Labels["DomainName"], c.Labels["ObjectTypeName"]
	var ot objectType
	if err := h.checkName("ObjectTypeName", name, 255, profileNameChars); err != nil {
		return obj{}, ot, err
	}
	d, err := h.read(ctx, c, typeDomain, dn, h.domainARN(c, dn))
	if err != nil {
		return obj{}, ot, err
	}
	o, err := h.read(ctx, c, typeObjectType, objectTypeID(dn, name), h.objectTypeARN(c, dn, name))
	if err != nil {
		return o, ot, err
	}
	if err := h.authorize(ctx, c, h.action(action), kv, d.target(), o.target()); err != nil {
		return o, ot, err
	}
	if !d.found {
		return o, ot, h.notFound("Domain %s not found; check DomainName (ListDomains lists them).", dn)
	}
	if !o.found {
		if mustExist {
			return o, ot, h.notFound("Object type %s not found in domain %s; check ObjectTypeName (ListProfileObjectTypes lists them).", name, dn)
		}
		return o, ot, nil
	}
	err = o.Resource.DecodeAttributes(&ot)
	ot.Tags = store.TagMap(o.tags)
	return o, ot, err
}

func (h *handler) putProfileObjectType(ctx context.Context, c *call) (any, error) {
	var in struct {
		Description                      string
		TemplateID                       string `json:"TemplateId"`
		ExpirationDays                   *int32
		EncryptionKey                    string
		AllowProfileCreation             bool
		SourceLastUpdatedTimestampFormat string
		Fields                           json.RawMessage
		Keys                             json.RawMessage
		Tags                             map[string]string
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if in.Description == "" || len(in.Description) > 10000 {
		return nil, h.invalid("Description is required and must be 1 to 10000 characters long.")
	}
	if in.ExpirationDays != nil && (*in.ExpirationDays < 1 || *in.ExpirationDays > 1098) {
		return nil, h.invalid("ExpirationDays=%d is out of range; send a value from 1 to 1098.", *in.ExpirationDays)
	}
	if in.TemplateID == "" && (len(in.Fields) == 0 || string(in.Fields) == "null") {
		return nil, h.invalid("Fields is required when no TemplateId is given; map each field of the object to its target.")
	}
	if err := h.checkTags(in.Tags); err != nil {
		return nil, err
	}
	o, _, err := h.objectType(ctx, c, "PutProfileObjectType", tagsContext(in.Tags), false)
	if err != nil {
		return nil, err
	}
	dn, name := c.Labels["DomainName"], c.Labels["ObjectTypeName"]
	now := restjson.Time(h.Now().UTC())
	ot := objectType{ObjectTypeName: name, Description: in.Description, TemplateID: in.TemplateID, ExpirationDays: in.ExpirationDays,
		EncryptionKey: in.EncryptionKey, AllowProfileCreation: in.AllowProfileCreation, SourceLastUpdatedTimestampFormat: in.SourceLastUpdatedTimestampFormat,
		Fields: in.Fields, Keys: in.Keys, CreatedAt: now, LastUpdatedAt: now}
	if o.found {
		var old objectType
		if err := o.Resource.DecodeAttributes(&old); err != nil {
			return nil, err
		}
		ot.CreatedAt = old.CreatedAt
		if err := h.update(ctx, o, ot); err != nil {
			return nil, err
		}
		if len(in.Tags) > 0 {
			if err := h.Store.Update(ctx, func(tx store.Tx) error { return tx.TagResource(o.ARN, store.TagsFromMap(in.Tags)) }); err != nil {
				return nil, err
			}
		}
	} else {
		r := store.Resource{AccountID: c.acct, Type: typeObjectType, ID: objectTypeID(dn, name), ParentID: dn, ARN: o.ARN, Name: name, Attributes: mustJSON(ot)}
		if _, err := h.create(ctx, r, in.Tags, "Object type "+name); err != nil {
			return nil, err
		}
	}
	var tags []store.Tag
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		tags, err = tx.ListResourceTags(o.ARN)
		return err
	})
	ot.Tags = store.TagMap(tags)
	return ot, err
}

func (h *handler) getProfileObjectType(ctx context.Context, c *call) (any, error) {
	_, ot, err := h.objectType(ctx, c, "GetProfileObjectType", nil, true)
	if err != nil {
		return nil, err
	}
	return ot, nil
}

func (h *handler) listProfileObjectTypes(ctx context.Context, c *call) (any, error) {
	opt, err := h.listOptions(c, "max-results", "next-token", 100)
	if err != nil {
		return nil, err
	}
	if _, _, err := h.domain(ctx, c, "ListProfileObjectTypes"); err != nil {
		return nil, err
	}
	page, err := listPage[objectType](ctx, h, c, typeObjectType, c.Labels["DomainName"], opt)
	if err != nil {
		return nil, err
	}
	type item struct {
		ObjectTypeName string
		Description    string
		CreatedAt      restjson.Time
		LastUpdatedAt  restjson.Time
		Tags           map[string]string `json:",omitempty"`
	}
	out := struct {
		Items     []item
		NextToken string `json:",omitempty"`
	}{Items: []item{}, NextToken: page.next}
	for i, ot := range page.items {
		out.Items = append(out.Items, item{ot.ObjectTypeName, ot.Description, ot.CreatedAt, ot.LastUpdatedAt, page.tags[i]})
	}
	return out, nil
}

func (h *handler) deleteProfileObjectType(ctx context.Context, c *call) (any, error) {
	o, ot, err := h.objectType(ctx, c, "DeleteProfileObjectType", nil, true)
	if err != nil {
		return nil, err
	}
	if err := h.remove(ctx, o); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, h.notFound("Object type %s not found; it was deleted by another request.", ot.ObjectTypeName)
		}
		return nil, err
	}
	return struct{ Message string }{"Object type " + ot.ObjectTypeName + " was deleted."}, nil
}
