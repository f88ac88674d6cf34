package iam

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/iamcred"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// The credentials of IAM users beyond passwords and access keys: SSH
// public keys (for CodeCommit), X.509 signing certificates and
// service-specific credentials (CodeCommit and Amazon Keyspaces
// passwords, Amazon Bedrock API keys). Each is a record whose parent is
// the user (its folded name), so that a user's credentials list cheaply.

func init() {
	operations["UploadSSHPublicKey"] = (*handler).uploadSSHPublicKey
	operations["GetSSHPublicKey"] = (*handler).getSSHPublicKey
	operations["ListSSHPublicKeys"] = (*handler).listSSHPublicKeys
	operations["UpdateSSHPublicKey"] = (*handler).updateSSHPublicKey
	operations["DeleteSSHPublicKey"] = (*handler).deleteSSHPublicKey
	operations["UploadSigningCertificate"] = (*handler).uploadSigningCertificate
	operations["ListSigningCertificates"] = (*handler).listSigningCertificates
	operations["UpdateSigningCertificate"] = (*handler).updateSigningCertificate
	operations["DeleteSigningCertificate"] = (*handler).deleteSigningCertificate
	operations["CreateServiceSpecificCredential"] = (*handler).createServiceSpecificCredential
	operations["ListServiceSpecificCredentials"] = (*handler).listServiceSpecificCredentials
	operations["ResetServiceSpecificCredential"] = (*handler).resetServiceSpecificCredential
	operations["UpdateServiceSpecificCredential"] = (*handler).updateServiceSpecificCredential
	operations["DeleteServiceSpecificCredential"] = (*handler).deleteServiceSpecificCredential
}

// IAM's quotas of user credentials.
const (
	maxSSHKeysPerUser             = 5
	maxSigningCertsPerUser        = 2
	maxServiceCredentialsPerUser  = 2 // per service
	maxSigningCertificateBodySize = 16384
)

// credAttrs are the stored fields of a user credential record.
type credAttrs struct {
	UserName string `json:"user"`
	Status   string `json:"status"`
	// Body is the SSH public key (OpenSSH form) or the certificate PEM.
	Body        string `json:"body,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// Service-specific credentials.
	Service    string    `json:"service,omitempty"`
	SvcUser    string    `json:"serviceUser,omitempty"`
	Alias      string    `json:"alias,omitempty"`
	Expiration time.Time `json:"expiration,omitzero"`
	// Sealed is the password or secret sealed with the server's box
	// (bound to the credential ID); it is never stored or logged in clear.
	Sealed []byte `json:"sealed,omitempty"`
}

// credUser resolves the UserName parameter (or, when it is absent and
// optional, the calling user) and authorizes action on the user.
func (h *handler) credUser(ctx context.Context, c *call, action string) (entity, error) {
	userName, err := mfaUser(c, false)
	if err != nil {
		return entity{}, err
	}
	return h.authEntity(ctx, c, action, store.KindUser, userName, nil)
}

// userCreds reads the credentials of type typ of a user, oldest first.
func userCreds(tx store.ReadTx, acct, typ, user string) ([]store.Resource, []credAttrs, error) {
	var rs []store.Resource
	var as []credAttrs
	err := listRecords(tx, acct, typ, foldKey(user), true, func(r store.Resource) error {
		var a credAttrs
		if err := r.DecodeAttributes(&a); err != nil {
			return err
		}
		rs, as = append(rs, r), append(as, a)
		return nil
	})
	idx := make([]int, len(rs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return rs[idx[i]].Created.Before(rs[idx[j]].Created) })
	ors, oas := make([]store.Resource, len(rs)), make([]credAttrs, len(rs))
	for i, k := range idx {
		ors[i], oas[i] = rs[k], as[k]
	}
	return ors, oas, err
}

// userCred reads one credential of a user; NoSuchEntity names it.
func userCred(tx store.ReadTx, acct, typ, user, id, what string) (store.Resource, credAttrs, error) {
	var a credAttrs
	r, found, err := getRecord(tx, acct, typ, id, &a)
	if err != nil {
		return r, a, err
	}
	if !found || !strings.EqualFold(a.UserName, user) {
		return r, a, noSuchEntity("The %s with id %s cannot be found for user %s.", what, id, user)
	}
	return r, a, nil
}

// setCredStatus is the Update operation of the user credentials.
func (h *handler) setCredStatus(ctx context.Context, c *call, action, typ, idParam, what string) (any, error) {
	id := c.p.String(idParam)
	status := c.p.String("Status")
	e, err := h.credUser(ctx, c, action)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		r, a, err := userCred(tx, c.acct, typ, e.name, id, what)
		if err != nil {
			return err
		}
		a.Status = status
		_, err = putRecord(tx, r, a)
		return err
	})
}

// deleteCred is the Delete operation of the user credentials.
func (h *handler) deleteCred(ctx context.Context, c *call, action, typ, idParam, what string) (any, error) {
	id := c.p.String(idParam)
	e, err := h.credUser(ctx, c, action)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		if _, _, err := userCred(tx, c.acct, typ, e.name, id, what); err != nil {
			return err
		}
		return tx.DeleteResource(c.acct, "iam", typ, id)
	})
}

// SSH public keys.

type xSSHKey struct {
	UserName    string         `xml:"UserName"`
	ID          string         `xml:"SSHPublicKeyId"`
	Fingerprint string         `xml:"Fingerprint,omitempty"`
	Body        string         `xml:"SSHPublicKeyBody,omitempty"`
	Status      string         `xml:"Status"`
	UploadDate  *awsquery.Time `xml:"UploadDate,omitempty"`
}

func (h *handler) uploadSSHPublicKey(ctx context.Context, c *call) (any, error) {
	body := c.p.String("SSHPublicKeyBody")
	e, err := h.authEntity(ctx, c, "iam:UploadSSHPublicKey", store.KindUser, c.p.String("UserName"), nil)
	if err != nil {
		return nil, err
	}
	key, err := iamcred.ParseSSHPublicKey(body)
	if err != nil {
		return nil, awsquery.NewError(http.StatusBadRequest, "InvalidPublicKey", "The SSH public key is invalid: "+err.Error()+".")
	}
	a := credAttrs{UserName: e.name, Status: "Active", Body: key.OpenSSH(), Fingerprint: key.Fingerprint}
	id := store.NewID("APKA", 20)
	now := h.Now().UTC()
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		_, as, err := userCreds(tx, c.acct, recSSHKey, e.name)
		if err != nil {
			return err
		}
		for _, o := range as {
			if o.Fingerprint == key.Fingerprint {
				return awsquery.NewError(http.StatusBadRequest, "DuplicateSSHPublicKey", "The SSH public key is already associated with the specified IAM user.")
			}
		}
		if len(as) >= maxSSHKeysPerUser {
			return limitExceeded("Cannot exceed quota for PublicKeysPerUser: %d", maxSSHKeysPerUser)
		}
		_, err = putRecord(tx, store.Resource{AccountID: c.acct, Service: "iam", Type: recSSHKey, ID: id, ParentID: foldKey(e.name),
			ARN: internalARN(c.acct, recSSHKey, id), Name: id, Created: now}, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		SSHPublicKey xSSHKey `xml:"SSHPublicKey"`
	}{xSSHKey{UserName: e.name, ID: id, Fingerprint: a.Fingerprint, Body: a.Body, Status: a.Status, UploadDate: ptime(now)}}, nil
}

func (h *handler) getSSHPublicKey(ctx context.Context, c *call) (any, error) {
	id, enc := c.p.String("SSHPublicKeyId"), c.p.String("Encoding")
	e, err := h.authEntity(ctx, c, "iam:GetSSHPublicKey", store.KindUser, c.p.String("UserName"), nil)
	if err != nil {
		return nil, err
	}
	var x xSSHKey
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		r, a, err := userCred(tx, c.acct, recSSHKey, e.name, id, "Public Key")
		if err != nil {
			return err
		}
		body := a.Body
		if enc == "PEM" {
			k, err := iamcred.ParseSSHPublicKey(a.Body)
			if err != nil {
				return err
			}
			body = k.PEM()
		}
		x = xSSHKey{UserName: e.name, ID: id, Fingerprint: a.Fingerprint, Body: body, Status: a.Status, UploadDate: ptime(r.Created)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		SSHPublicKey xSSHKey `xml:"SSHPublicKey"`
	}{x}, nil
}

func (h *handler) listSSHPublicKeys(ctx context.Context, c *call) (any, error) {
	opt := pageOpts(c)
	e, err := h.credUser(ctx, c, "iam:ListSSHPublicKeys")
	if err != nil {
		return nil, err
	}
	list, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]xSSHKey, error) {
		rs, as, err := userCreds(tx, c.acct, recSSHKey, e.name)
		out := make([]xSSHKey, len(rs))
		for i := range rs {
			out[i] = xSSHKey{UserName: e.name, ID: rs[i].ID, Status: as[i].Status, UploadDate: ptime(rs[i].Created)}
		}
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		SSHPublicKeys []xSSHKey `xml:"SSHPublicKeys>member"`
		page
	}{list, newPage(next)}, nil
}

func (h *handler) updateSSHPublicKey(ctx context.Context, c *call) (any, error) {
	return h.setCredStatus(ctx, c, "iam:UpdateSSHPublicKey", recSSHKey, "SSHPublicKeyId", "Public Key")
}

func (h *handler) deleteSSHPublicKey(ctx context.Context, c *call) (any, error) {
	return h.deleteCred(ctx, c, "iam:DeleteSSHPublicKey", recSSHKey, "SSHPublicKeyId", "Public Key")
}

// Signing certificates.

type xSigningCert struct {
	UserName   string         `xml:"UserName"`
	ID         string         `xml:"CertificateId"`
	Body       string         `xml:"CertificateBody"`
	Status     string         `xml:"Status"`
	UploadDate *awsquery.Time `xml:"UploadDate,omitempty"`
}

func (h *handler) uploadSigningCertificate(ctx context.Context, c *call) (any, error) {
	body := c.p.String("CertificateBody")
	e, err := h.credUser(ctx, c, "iam:UploadSigningCertificate")
	if err != nil {
		return nil, err
	}
	if len(body) > maxSigningCertificateBodySize {
		return nil, awsquery.NewError(http.StatusBadRequest, "MalformedCertificate", "The certificate body is longer than 16384 characters.")
	}
	cert, err := iamcred.ParseCertificate(body, "certificate body")
	if err != nil {
		return nil, awsquery.NewError(http.StatusBadRequest, "MalformedCertificate", "Unable to parse certificate: "+err.Error()+".")
	}
	now := h.Now().UTC()
	if now.After(cert.NotAfter) || now.Before(cert.NotBefore) {
		return nil, awsquery.NewError(http.StatusBadRequest, "InvalidCertificate", "The certificate is not valid now: it is valid from "+
			cert.NotBefore.UTC().Format(time.RFC3339)+" to "+cert.NotAfter.UTC().Format(time.RFC3339)+".")
	}
	id := iamcred.CertificateID(cert)
	a := credAttrs{UserName: e.name, Status: "Active", Body: strings.TrimSpace(body) + "\n"}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		var old credAttrs
		if _, found, err := getRecord(tx, c.acct, recSigningCert, id, &old); err != nil {
			return err
		} else if found {
			return awsquery.NewError(http.StatusConflict, "DuplicateCertificate", "The certificate "+id+" is already uploaded (to user "+old.UserName+").")
		}
		_, as, err := userCreds(tx, c.acct, recSigningCert, e.name)
		if err != nil {
			return err
		}
		if len(as) >= maxSigningCertsPerUser {
			return limitExceeded("Cannot exceed quota for SigningCertificatesPerUser: %d", maxSigningCertsPerUser)
		}
		_, err = putRecord(tx, store.Resource{AccountID: c.acct, Service: "iam", Type: recSigningCert, ID: id, ParentID: foldKey(e.name),
			ARN: internalARN(c.acct, recSigningCert, id), Name: id, Created: now}, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Certificate xSigningCert `xml:"Certificate"`
	}{xSigningCert{UserName: e.name, ID: id, Body: a.Body, Status: a.Status, UploadDate: ptime(now)}}, nil
}

func (h *handler) listSigningCertificates(ctx context.Context, c *call) (any, error) {
	opt := pageOpts(c)
	e, err := h.credUser(ctx, c, "iam:ListSigningCertificates")
	if err != nil {
		return nil, err
	}
	list, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]xSigningCert, error) {
		rs, as, err := userCreds(tx, c.acct, recSigningCert, e.name)
		out := make([]xSigningCert, len(rs))
		for i := range rs {
			out[i] = xSigningCert{UserName: e.name, ID: rs[i].ID, Body: as[i].Body, Status: as[i].Status, UploadDate: ptime(rs[i].Created)}
		}
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Certificates []xSigningCert `xml:"Certificates>member"`
		page
	}{list, newPage(next)}, nil
}

func (h *handler) updateSigningCertificate(ctx context.Context, c *call) (any, error) {
	return h.setCredStatus(ctx, c, "iam:UpdateSigningCertificate", recSigningCert, "CertificateId", "Signing Certificate")
}

func (h *handler) deleteSigningCertificate(ctx context.Context, c *call) (any, error) {
	return h.deleteCred(ctx, c, "iam:DeleteSigningCertificate", recSigningCert, "CertificateId", "Signing Certificate")
}

// Service-specific credentials.

// credentialServices are the services IAM issues service-specific
// credentials for: a password for a generated user name (CodeCommit's Git
// over HTTPS, Amazon Keyspaces' Cassandra driver), or an API key (Amazon
// Bedrock).
var credentialServices = map[string]bool{
	"codecommit.amazonaws.com": false,
	"cassandra.amazonaws.com":  false,
	"bedrock.amazonaws.com":    true, // an API key, with an expiration
}

type xServiceCredential struct {
	CreateDate     awsquery.Time  `xml:"CreateDate"`
	ExpirationDate *awsquery.Time `xml:"ExpirationDate,omitempty"`
	Alias          string         `xml:"ServiceCredentialAlias,omitempty"`
	Secret         string         `xml:"ServiceCredentialSecret,omitempty"`
	ServiceName    string         `xml:"ServiceName"`
	Password       string         `xml:"ServicePassword,omitempty"`
	ID             string         `xml:"ServiceSpecificCredentialId"`
	ServiceUser    string         `xml:"ServiceUserName,omitempty"`
	Status         string         `xml:"Status"`
	UserName       string         `xml:"UserName"`
}

func credXML(r store.Resource, a credAttrs, secret string) xServiceCredential {
	x := xServiceCredential{CreateDate: awsquery.Time(r.Created), ExpirationDate: ptime(a.Expiration), Alias: a.Alias,
		ServiceName: a.Service, ID: r.ID, ServiceUser: a.SvcUser, Status: a.Status, UserName: a.UserName}
	if secret != "" {
		if credentialServices[a.Service] {
			x.Secret = secret
		} else {
			x.Password = secret
		}
	}
	return x
}

// newServiceSecret returns a new secret for a credential of service: an
// API key for Bedrock, a 44-character password otherwise.
func newServiceSecret(service string) string {
	_, a := NewAccessKey("")
	_, b := NewAccessKey("")
	if credentialServices[service] {
		return "ABSK" + strings.NewReplacer("+", "A", "/", "B").Replace(a+b)
	}
	return (a + b)[:44]
}

func (h *handler) createServiceSpecificCredential(ctx context.Context, c *call) (any, error) {
	service := c.p.String("ServiceName")
	days, hasDays := c.p.Int("CredentialAgeDays")
	e, err := h.authEntity(ctx, c, "iam:CreateServiceSpecificCredential", store.KindUser, c.p.String("UserName"), nil)
	if err != nil {
		return nil, err
	}
	apiKey, ok := credentialServices[service]
	if !ok {
		return nil, awsquery.NewError(http.StatusNotFound, "NotSupportedService",
			"No such service "+service+" is supported for Service Specific Credentials; the services are bedrock.amazonaws.com, cassandra.amazonaws.com and codecommit.amazonaws.com.")
	}
	now := h.Now().UTC()
	id := store.NewID("ACCA", 21)
	a := credAttrs{UserName: e.name, Status: "Active", Service: service}
	if apiKey {
		a.Alias = e.name + "-at-" + c.acct
		if hasDays {
			a.Expiration = now.Add(time.Duration(days) * 24 * time.Hour)
		}
	} else {
		if hasDays {
			return nil, invalidInput("CredentialAgeDays applies only to the API keys of bedrock.amazonaws.com.")
		}
		a.SvcUser = e.name + "-at-" + c.acct
	}
	secret := newServiceSecret(service)
	a.Sealed = h.Box.Seal([]byte(secret), []byte(id))
	var r store.Resource
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		_, as, err := userCreds(tx, c.acct, recServiceCredential, e.name)
		if err != nil {
			return err
		}
		n := 0
		for _, o := range as {
			if o.Service == service {
				n++
			}
		}
		if n >= maxServiceCredentialsPerUser {
			return limitExceeded("Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: %d", maxServiceCredentialsPerUser)
		}
		r, err = putRecord(tx, store.Resource{AccountID: c.acct, Service: "iam", Type: recServiceCredential, ID: id, ParentID: foldKey(e.name),
			ARN: internalARN(c.acct, recServiceCredential, id), Name: id, Created: now}, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ServiceSpecificCredential xServiceCredential `xml:"ServiceSpecificCredential"`
	}{credXML(r, a, secret)}, nil
}

func (h *handler) listServiceSpecificCredentials(ctx context.Context, c *call) (any, error) {
	service := c.p.String("ServiceName")
	all, _ := c.p.Bool("AllUsers")
	opt := pageOpts(c)
	var users []string
	if all {
		if err := h.authorize(ctx, c, "iam:ListServiceSpecificCredentials", entityARN(c.acct, "user", "/", "*"), nil); err != nil {
			return nil, err
		}
	} else {
		e, err := h.credUser(ctx, c, "iam:ListServiceSpecificCredentials")
		if err != nil {
			return nil, err
		}
		users = []string{e.name}
	}
	list, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]xServiceCredential, error) {
		var out []xServiceCredential
		keep := func(r store.Resource) error {
			var a credAttrs
			if err := r.DecodeAttributes(&a); err != nil {
				return err
			}
			if users != nil && !strings.EqualFold(a.UserName, users[0]) || service != "" && a.Service != service {
				return nil
			}
			out = append(out, credXML(r, a, ""))
			return nil
		}
		var err error
		if users != nil {
			err = listRecords(tx, c.acct, recServiceCredential, foldKey(users[0]), true, keep)
		} else {
			err = listRecords(tx, c.acct, recServiceCredential, "", false, keep)
		}
		sort.SliceStable(out, func(i, j int) bool { return time.Time(out[i].CreateDate).Before(time.Time(out[j].CreateDate)) })
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ServiceSpecificCredentials []xServiceCredential `xml:"ServiceSpecificCredentials>member"`
		page
	}{list, newPage(next)}, nil
}

func (h *handler) resetServiceSpecificCredential(ctx context.Context, c *call) (any, error) {
	id := c.p.String("ServiceSpecificCredentialId")
	e, err := h.credUser(ctx, c, "iam:ResetServiceSpecificCredential")
	if err != nil {
		return nil, err
	}
	var x xServiceCredential
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		r, a, err := userCred(tx, c.acct, recServiceCredential, e.name, id, "Service Specific Credential")
		if err != nil {
			return err
		}
		secret := newServiceSecret(a.Service)
		a.Sealed = h.Box.Seal([]byte(secret), []byte(id))
		r, err = putRecord(tx, r, a)
		x = credXML(r, a, secret)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ServiceSpecificCredential xServiceCredential `xml:"ServiceSpecificCredential"`
	}{x}, nil
}

func (h *handler) updateServiceSpecificCredential(ctx context.Context, c *call) (any, error) {
	return h.setCredStatus(ctx, c, "iam:UpdateServiceSpecificCredential", recServiceCredential, "ServiceSpecificCredentialId", "Service Specific Credential")
}

func (h *handler) deleteServiceSpecificCredential(ctx context.Context, c *call) (any, error) {
	return h.deleteCred(ctx, c, "iam:DeleteServiceSpecificCredential", recServiceCredential, "ServiceSpecificCredentialId", "Service Specific Credential")
}
