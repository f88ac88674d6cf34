package connect

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["ClaimPhoneNumber"] = (*handler).claimPhoneNumber
	operations["ListPhoneNumbersV2"] = (*handler).listPhoneNumbers
	operations["ReleasePhoneNumber"] = (*handler).releasePhoneNumber
	operations["DescribePhoneNumber"] = (*handler).describePhoneNumber
}

// phoneType is the store type of claimed phone numbers. They are stored
// as children of the instance they are claimed for, with ARNs outside it
// (arn:aws:connect:REGION:ACCOUNT:phone-number/ID), as Connect names them.
const phoneType = "phone-number"

// phoneAttrs are the stored attributes of a claimed phone number.
type phoneAttrs struct {
	PhoneNumber            string `json:"PhoneNumber"`
	PhoneNumberCountryCode string `json:"PhoneNumberCountryCode"`
	PhoneNumberType        string `json:"PhoneNumberType"`
	PhoneNumberDescription string `json:"PhoneNumberDescription,omitempty"`
	TargetArn              string `json:"TargetArn"`
	InstanceID             string `json:"InstanceId"`
}

// phoneARN returns the ARN of a phone number.
func phoneARN(region, acct, id string) string {
	return "arn:aws:connect:" + region + ":" + acct + ":phone-number/" + id
}

// countryCodes maps E.164 calling codes to the ISO country codes Connect
// reports, longest prefixes first where they overlap.
var countryCodes = []struct{ prefix, country string }{
	{"+1", "US"}, {"+44", "GB"}, {"+61", "AU"}, {"+49", "DE"}, {"+33", "FR"}, {"+81", "JP"}, {"+65", "SG"},
	{"+64", "NZ"}, {"+353", "IE"}, {"+27", "ZA"}, {"+82", "KR"}, {"+55", "BR"}, {"+52", "MX"}, {"+34", "ES"}, {"+39", "IT"},
}

// classify returns the country code and type of an E.164 number.
func classify(number string) (country, typ string, ok bool) {
	best := ""
	for _, c := range countryCodes {
		if strings.HasPrefix(number, c.prefix) && len(c.prefix) > len(best) {
			best, country = c.prefix, c.country
		}
	}
	if best == "" {
		return "", "", false
	}
	typ = "DID"
	if best == "+1" && len(number) == 12 {
		switch number[2:5] {
		case "800", "833", "844", "855", "866", "877", "888":
			typ = "TOLL_FREE"
		}
	}
	return country, typ, true
}

func (h *handler) claimPhoneNumber(ctx context.Context, c *call) (any, error) {
	var in struct {
		TargetArn              string
		InstanceID             string `json:"InstanceId"`
		PhoneNumber            string
		PhoneNumberDescription string
		Tags                   map[string]string
		ClientToken            string
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if !rePhone.MatchString(in.PhoneNumber) {
		return nil, invalidParameter("PhoneNumber %q is not an E.164 phone number such as +12065550100.", in.PhoneNumber)
	}
	country, typ, ok := classify(in.PhoneNumber)
	if !ok {
		return nil, invalidParameter("PhoneNumber %s is in a country where connect-iam cannot claim numbers; search available numbers with SearchAvailablePhoneNumbers.", in.PhoneNumber)
	}
	if len(in.PhoneNumberDescription) > 500 {
		return nil, invalidParameter("PhoneNumberDescription is longer than 500 characters.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	instID := in.InstanceID
	if in.TargetArn != "" {
		if strings.Contains(in.TargetArn, ":traffic-distribution-group/") {
			return nil, invalidParameter("TargetArn %s is a traffic distribution group, which connect-iam does not serve; claim the number for an instance.", in.TargetArn)
		}
		id := instanceIDOf(in.TargetArn)
		if id == "" || strings.Contains(id, "/") || (instID != "" && instID != id) {
			return nil, invalidParameter("TargetArn %q is not the ARN of an instance (arn:aws:connect:REGION:ACCOUNT:instance/ID) matching InstanceId.", in.TargetArn)
		}
		instID = id
	}
	if instID == "" {
		return nil, invalidParameter("TargetArn or InstanceId is required: name the instance the number is for.")
	}
	var inst obj
	var taken bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if inst, err = readInstance(tx, c, instID); err != nil {
			return err
		}
		taken, err = phoneTaken(tx, c.acct, in.PhoneNumber)
		return err
	})
	if err != nil {
		return nil, err
	}
	region := c.region
	if inst.found {
		region = strings.Split(inst.ARN, ":")[3]
	}
	kv := tagsContext(instID, in.Tags)
	if err := h.authorize(ctx, c, "connect:ClaimPhoneNumber", kv, inst.target(), target{arn: phoneARN(region, c.acct, "*")}); err != nil {
		return nil, err
	}
	if !inst.found {
		return nil, instanceMissing(instID)
	}
	if taken {
		return nil, alreadyClaimed(in.PhoneNumber)
	}
	id := newID()
	if err := h.authorizeTagOnCreate(ctx, c, phoneARN(region, c.acct, id), in.Tags); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(phoneAttrs{PhoneNumber: in.PhoneNumber, PhoneNumberCountryCode: country, PhoneNumberType: typ,
		PhoneNumberDescription: in.PhoneNumberDescription, TargetArn: inst.ARN, InstanceID: instID})
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	r := store.Resource{AccountID: c.acct, Service: Service, Type: phoneType, ID: id, ParentID: instID, ARN: phoneARN(region, c.acct, id),
		Name: in.PhoneNumber, NameKey: in.PhoneNumber, Attributes: raw, Created: now, Updated: now}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		taken, err := phoneTaken(tx, c.acct, in.PhoneNumber)
		if err != nil {
			return err
		}
		if taken {
			return alreadyClaimed(in.PhoneNumber)
		}
		if _, err := tx.CreateResource(r); err != nil {
			return err
		}
		if len(in.Tags) > 0 {
			return tx.TagResource(r.ARN, store.TagsFromMap(in.Tags))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		PhoneNumberID  string `json:"PhoneNumberId"`
		PhoneNumberArn string `json:"PhoneNumberArn"`
	}{id, r.ARN}, nil
}

// alreadyClaimed is the error for a number claimed twice, which Connect
// reports as an InvalidParameterException.
func alreadyClaimed(number string) error {
	return invalidParameter("The phone number %s is already claimed in this account; release it first or claim another number.", number)
}

// phoneTaken reports whether number is claimed in the account.
func phoneTaken(tx store.ReadTx, acct, number string) (bool, error) {
	found := false
	err := eachResource(tx, acct, phoneType, store.ResourceFilter{}, func(r store.Resource) error {
		if r.Name == number {
			found = true
		}
		return nil
	})
	return found, err
}

// eachResource calls fn for every resource of type typ that filter selects.
func eachResource(tx store.ReadTx, acct, typ string, filter store.ResourceFilter, fn func(store.Resource) error) error {
	marker := ""
	for {
		rs, next, err := tx.ListResources(acct, Service, typ, filter, store.ListOptions{Marker: marker, MaxItems: store.MaxMaxItems})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := fn(r); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		marker = next
	}
}

func (h *handler) listPhoneNumbers(ctx context.Context, c *call) (any, error) {
	var in struct {
		TargetArn               string
		InstanceID              string `json:"InstanceId"`
		MaxResults              *int32
		NextToken               string
		PhoneNumberCountryCodes []string
		PhoneNumberTypes        []string
		PhoneNumberPrefix       string
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	max := 10
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 1000 {
			return nil, invalidParameter("MaxResults=%d is out of range; send a value from 1 to 1000.", *in.MaxResults)
		}
		max = int(*in.MaxResults)
	}
	instID := in.InstanceID
	if in.TargetArn != "" {
		instID = instanceIDOf(in.TargetArn)
	}
	if err := h.authorize(ctx, c, "connect:ListPhoneNumbersV2", nil, target{arn: phoneARN(c.region, c.acct, "*")}); err != nil {
		return nil, err
	}
	type summary struct {
		PhoneNumberID          string `json:"PhoneNumberId"`
		PhoneNumberArn         string `json:"PhoneNumberArn"`
		PhoneNumber            string `json:"PhoneNumber"`
		PhoneNumberCountryCode string `json:"PhoneNumberCountryCode"`
		PhoneNumberType        string `json:"PhoneNumberType"`
		PhoneNumberDescription string `json:"PhoneNumberDescription,omitempty"`
		TargetArn              string `json:"TargetArn"`
		InstanceID             string `json:"InstanceId"`
	}
	out := struct {
		List      []summary `json:"ListPhoneNumbersSummaryList"`
		NextToken string    `json:"NextToken,omitempty"`
	}{List: []summary{}}
	filter := store.ResourceFilter{}
	if instID != "" {
		filter = store.ResourceFilter{Parent: instID, HasParent: true}
	}
	errFull := errors.New("page full")
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		return eachResource(tx, c.acct, phoneType, filter, func(r store.Resource) error {
			if in.NextToken != "" && r.ID <= in.NextToken {
				return nil
			}
			var a phoneAttrs
			if err := r.DecodeAttributes(&a); err != nil {
				return err
			}
			if (len(in.PhoneNumberCountryCodes) > 0 && !contains(in.PhoneNumberCountryCodes, a.PhoneNumberCountryCode)) ||
				(len(in.PhoneNumberTypes) > 0 && !contains(in.PhoneNumberTypes, a.PhoneNumberType)) ||
				!strings.HasPrefix(a.PhoneNumber, in.PhoneNumberPrefix) {
				return nil
			}
			if len(out.List) == max {
				out.NextToken = out.List[max-1].PhoneNumberID
				return errFull
			}
			out.List = append(out.List, summary{r.ID, r.ARN, a.PhoneNumber, a.PhoneNumberCountryCode, a.PhoneNumberType, a.PhoneNumberDescription, a.TargetArn, a.InstanceID})
			return nil
		})
	})
	if err != nil && !errors.Is(err, errFull) {
		return nil, err
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// readPhone reads the claimed phone number id and its tags; when it does
// not exist, only its ID and the ARN it would have are set.
func (h *handler) readPhone(ctx context.Context, c *call, id string) (obj, error) {
	o := obj{}
	o.ID, o.ARN = id, phoneARN(c.region, c.acct, id)
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		r, err := tx.GetResource(c.acct, Service, phoneType, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		o.Resource, o.found = r, true
		o.tags, err = tx.ListResourceTags(r.ARN)
		return err
	})
	return o, err
}

// phoneMissing is Connect's error for a phone number that is not claimed.
func phoneMissing(id string) error {
	return notFound("Phone number %s not found; check the PhoneNumberId (ListPhoneNumbersV2 lists them).", id)
}

func (h *handler) describePhoneNumber(ctx context.Context, c *call) (any, error) {
	id := c.Labels["PhoneNumberId"]
	o, err := h.readPhone(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "connect:DescribePhoneNumber", nil, o.target()); err != nil {
		return nil, err
	}
	if !o.found {
		return nil, phoneMissing(id)
	}
	var a phoneAttrs
	if err := o.Resource.DecodeAttributes(&a); err != nil {
		return nil, err
	}
	type status struct {
		Status string `json:"Status"`
	}
	return struct {
		ClaimedPhoneNumberSummary any `json:"ClaimedPhoneNumberSummary"`
	}{struct {
		PhoneNumberID          string            `json:"PhoneNumberId"`
		PhoneNumberArn         string            `json:"PhoneNumberArn"`
		PhoneNumber            string            `json:"PhoneNumber"`
		PhoneNumberCountryCode string            `json:"PhoneNumberCountryCode"`
		PhoneNumberType        string            `json:"PhoneNumberType"`
		PhoneNumberDescription string            `json:"PhoneNumberDescription,omitempty"`
		TargetArn              string            `json:"TargetArn"`
		InstanceID             string            `json:"InstanceId"`
		Tags                   map[string]string `json:"Tags,omitempty"`
		PhoneNumberStatus      status            `json:"PhoneNumberStatus"`
	}{o.ID, o.ARN, a.PhoneNumber, a.PhoneNumberCountryCode, a.PhoneNumberType, a.PhoneNumberDescription, a.TargetArn, a.InstanceID,
		store.TagMap(o.tags), status{"CLAIMED"}}}, nil
}

func (h *handler) releasePhoneNumber(ctx context.Context, c *call) (any, error) {
	id := c.Labels["PhoneNumberId"]
	o, err := h.readPhone(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "connect:ReleasePhoneNumber", nil, o.target()); err != nil {
		return nil, err
	}
	if !o.found {
		return nil, phoneMissing(id)
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error { return tx.DeleteResource(c.acct, Service, phoneType, id) })
}

// instanceIDOf returns the instance ID in a Connect resource ARN.
func instanceIDOf(arn string) string {
	_, rest, ok := strings.Cut(arn, ":instance/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}
