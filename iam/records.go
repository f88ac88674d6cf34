package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/connect-iam/connect-iam/store"
)

// IAM entities without a table of their own (instance profiles, SSH
// public keys, signing and server certificates, service-specific
// credentials, report jobs) are stored as store.Resource records of
// service "iam", as MFA devices are: the record's type names the entity,
// its ID is the entity's key (a name folded to lower case, or an ID), and
// its attributes hold the entity's fields as JSON.

// Record types of the IAM entities stored as resources.
const (
	recInstanceProfile   = "instance-profile"
	recSSHKey            = "ssh-public-key"
	recSigningCert       = "signing-certificate"
	recServerCert        = "server-certificate"
	recServiceCredential = "service-specific-credential"
	recReportJob         = "report-job"
	recAccountSetting    = "account-setting"
)

// getRecord reads the record typ/id of the account into attrs; found is
// false when there is none.
func getRecord(tx store.ReadTx, acct, typ, id string, attrs any) (r store.Resource, found bool, err error) {
	r, err = tx.GetResource(acct, "iam", typ, id)
	if errors.Is(err, store.ErrNotFound) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	if err := r.DecodeAttributes(attrs); err != nil {
		return r, true, fmt.Errorf("iam: decoding the %s %s: %w", typ, id, err)
	}
	return r, true, nil
}

// listRecords reads every record of a type in the account (optionally
// only those of parent), decoding each one's attributes with decode.
func listRecords(tx store.ReadTx, acct, typ, parent string, hasParent bool, decode func(r store.Resource) error) error {
	opt := store.ListOptions{MaxItems: 1000}
	for {
		rs, next, err := tx.ListResources(acct, "iam", typ, store.ResourceFilter{Parent: parent, HasParent: hasParent}, opt)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := decode(r); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		opt.Marker = next
	}
}

// encodeAttrs encodes a record's attributes.
func encodeAttrs(attrs any) json.RawMessage {
	b, err := json.Marshal(attrs)
	if err != nil {
		panic(fmt.Sprintf("iam: encoding record attributes: %v", err)) // plain structs always encode
	}
	return b
}

// putRecord creates (when r.Revision is 0) or updates r with attrs.
func putRecord(tx store.Tx, r store.Resource, attrs any) (store.Resource, error) {
	r.Attributes = encodeAttrs(attrs)
	if r.Revision == 0 {
		return tx.CreateResource(r)
	}
	return tx.UpdateResource(r)
}

// recordARN returns the ARN of an IAM entity of kind ("instance-profile",
// "server-certificate") with path and name.
func recordARN(acct, kind, path, name string) string { return entityARN(acct, kind, path, name) }

// internalARN is the store key of a record that has no ARN of its own in
// AWS (SSH public keys, signing certificates, service-specific
// credentials): unique, never shown.
func internalARN(acct, typ, id string) string {
	return "arn:" + partition + ":iam::" + acct + ":" + typ + "/" + id
}

// foldKey is the record ID of a named entity: IAM names are unique
// regardless of case.
func foldKey(name string) string { return strings.ToLower(name) }

// tagRecord adds tags to a record's ARN, with IAM's limit.
func tagRecord(ctx context.Context, h *handler, arn string, tags []store.Tag) error {
	return h.Store.Update(ctx, func(tx store.Tx) error {
		old, err := tx.ListResourceTags(arn)
		if err != nil {
			return err
		}
		// Keys are compared regardless of case, as IAM does: a new value
		// of an existing key replaces it under the stored spelling.
		byKey := map[string]string{}
		for _, t := range old {
			byKey[strings.ToLower(t.Key)] = t.Key
		}
		n := len(old)
		for i, t := range tags {
			if k, ok := byKey[strings.ToLower(t.Key)]; ok {
				tags[i].Key = k
			} else {
				n++
			}
		}
		if n > store.MaxTagsPerEntity {
			return limitExceeded("The number of tags has reached the maximum limit of %d tags per resource.", store.MaxTagsPerEntity)
		}
		return tx.TagResource(arn, tags)
	})
}

// untagRecord removes tag keys (regardless of case) from a record's ARN.
func untagRecord(ctx context.Context, h *handler, arn string, keys []string) error {
	return h.Store.Update(ctx, func(tx store.Tx) error {
		old, err := tx.ListResourceTags(arn)
		if err != nil {
			return err
		}
		var del []string
		for _, t := range old {
			for _, k := range keys {
				if strings.EqualFold(t.Key, k) {
					del = append(del, t.Key)
				}
			}
		}
		if len(del) == 0 {
			return nil
		}
		return tx.UntagResource(arn, del)
	})
}
