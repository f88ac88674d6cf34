package organizations

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/connect-iam/connect-iam/server/awsjson"
	"github.com/connect-iam/connect-iam/store"
)

// timeValue is the type of record timestamps.
type timeValue = time.Time

// handshakeTTL is how long an invitation stays open, as in AWS.
const handshakeTTL = 15 * 24 * time.Hour

// AccessRoleName is the role CreateAccount creates in a new account for
// the management account, unless RoleName names another.
const AccessRoleName = "OrganizationAccountAccessRole"

// administratorAccess is the AWS managed policy the access role gets.
const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

// createAccountStatus is a CreateAccount request's record (type
// "createaccountstatus" under the management account).
const typeCreateStatus = "createaccountstatus"

type createStatusAttrs struct {
	AccountName string    `json:"accountName"`
	AccountID   string    `json:"accountId"`
	Requested   time.Time `json:"requested"`
}

func createStatusOut(r store.Resource, a createStatusAttrs) map[string]any {
	return map[string]any{"Id": r.ID, "AccountName": a.AccountName, "AccountId": a.AccountID, "State": "SUCCEEDED",
		"RequestedTimestamp": awsjson.Time(a.Requested), "CompletedTimestamp": awsjson.Time(a.Requested)}
}

// newAccountID returns a random 12-digit account ID.
func newAccountID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9e11))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%012d", n.Int64()+1e11)
}

func (s *Service) createAccount(c *call) (any, error) {
	var in struct {
		AccountName, Email, RoleName string
		Tags                         []tag
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if in.RoleName == "" {
		in.RoleName = AccessRoleName
	}
	o, err := s.managedOrg(c, nil, tagKeys(nil, in.Tags))
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		now := s.d.Now().UTC()
		acct := newAccountID()
		if err := tx.CreateAccount(store.Account{ID: acct, Created: now}); err != nil {
			return err
		}
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + o.management() + `:root"},"Action":"sts:AssumeRole"}]}`
		role := store.Role{AccountID: acct, ID: store.NewID("AROA", 21), Path: "/", Name: in.RoleName,
			ARN: "arn:aws:iam::" + acct + ":role/" + in.RoleName, AssumeRolePolicyDocument: trust, MaxSessionDuration: time.Hour, Created: now}
		if err := tx.CreateRole(role); err != nil {
			return err
		}
		if err := tx.AttachPolicy(acct, store.EntityRef{Kind: store.KindRole, Name: in.RoleName}, administratorAccess); err != nil {
			return err
		}
		if err := join(tx, o, acct, o.attrs.RootID, "CREATED", now); err != nil {
			return err
		}
		// The account's node carries the name and e-mail address given.
		n, err := getNode(tx, o, acct)
		if err != nil {
			return err
		}
		n.res.Name, n.attrs.Email = in.AccountName, in.Email
		if err := putNode(tx, n); err != nil {
			return err
		}
		if len(in.Tags) > 0 {
			if err := tx.TagResource(n.res.ARN, storeTags(in.Tags)); err != nil {
				return err
			}
		}
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		a := createStatusAttrs{AccountName: in.AccountName, AccountID: acct, Requested: now}
		r, err := tx.CreateResource(store.Resource{AccountID: o.management(), Service: "organizations-requests", Type: typeCreateStatus,
			ID: "car-" + hex.EncodeToString(b), ARN: "arn:aws:organizations::" + o.management() + ":createaccountstatus/car-" + hex.EncodeToString(b),
			Attributes: encode(a), Created: now, Updated: now})
		if err != nil {
			return err
		}
		out = createStatusOut(r, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"CreateAccountStatus": out}, nil
}

func (s *Service) describeCreateAccountStatus(c *call) (any, error) {
	o, err := s.managedOrg(c, nil, nil)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.view(c, func(tx store.ReadTx) error {
		r, err := tx.GetResource(o.management(), "organizations-requests", typeCreateStatus, c.str("CreateAccountRequestId"))
		if errors.Is(err, store.ErrNotFound) {
			return fail("CreateAccountStatusNotFoundException", "We can't find an create account request with the CreateAccountRequestId that you specified.")
		}
		if err != nil {
			return err
		}
		a, err := decode[createStatusAttrs](r)
		out = createStatusOut(r, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"CreateAccountStatus": out}, nil
}

// --- invitations

func handshakeOut(r store.Resource, a handshakeAttrs) map[string]any {
	return map[string]any{
		"Id": r.ID, "Arn": r.ARN, "Action": "INVITE", "State": a.State,
		"Parties":            []map[string]string{{"Id": a.OrganizationID, "Type": "ORGANIZATION"}, {"Id": a.Target, "Type": "ACCOUNT"}},
		"RequestedTimestamp": awsjson.Time(a.Requested), "ExpirationTimestamp": awsjson.Time(a.Expires),
		"Resources": []map[string]any{
			{"Type": "ORGANIZATION", "Value": a.OrganizationID, "Resources": []map[string]string{
				{"Type": "MASTER_EMAIL", "Value": email(a.Management)}, {"Type": "MASTER_NAME", "Value": "Account " + a.Management}}},
			{"Type": "ACCOUNT", "Value": a.Target},
		},
	}
}

func (s *Service) inviteAccount(c *call) (any, error) {
	var in struct {
		Target struct{ Id, Type string }
		Notes  string
		Tags   []tag
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	o, err := s.managedOrg(c, func(o *org) string { return accountARN(o.management(), o.id(), in.Target.Id) }, tagKeys(nil, in.Tags))
	if err != nil {
		return nil, err
	}
	if in.Target.Type != "ACCOUNT" || !store.ValidAccountID(in.Target.Id) {
		return nil, failReason("InvalidInputException", "INVALID_PARTY_TYPE_TARGET",
			"connect-iam invites accounts by their 12-digit ID: send Target {Type: ACCOUNT, Id: ACCOUNT_ID} (e-mail invitations have no mailbox here).")
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		if _, err := tx.GetAccount(in.Target.Id); errors.Is(err, store.ErrNotFound) {
			return fail("AccountNotFoundException", "The account "+in.Target.Id+" does not exist on this server; create it with connect-iam accounts create.")
		} else if err != nil {
			return err
		}
		if m, err := membership(tx, in.Target.Id); err != nil {
			return err
		} else if m != nil {
			return failReason("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION", "The account "+in.Target.Id+" is already a member of an organization.")
		}
		now := s.d.Now().UTC()
		id := randomID("h-", 10)
		a := handshakeAttrs{OrganizationID: o.id(), Management: o.management(), Target: in.Target.Id, State: "OPEN",
			Requested: now, Expires: now.Add(handshakeTTL), Notes: in.Notes}
		r, err := tx.CreateResource(store.Resource{AccountID: in.Target.Id, Service: svc, Type: typeHandshake, ID: id,
			ARN: handshakeARN(o.management(), o.id(), id), Attributes: encode(a), Created: now, Updated: now})
		if err != nil {
			return err
		}
		out = handshakeOut(r, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Handshake": out}, nil
}

// handshake reads one of the caller's invitations and authorizes the
// call on it.
func (s *Service) handshake(c *call) (store.Resource, handshakeAttrs, error) {
	var r store.Resource
	var a handshakeAttrs
	err := s.view(c, func(tx store.ReadTx) error {
		var err error
		r, err = tx.GetResource(c.acct, svc, typeHandshake, c.str("HandshakeId"))
		if errors.Is(err, store.ErrNotFound) {
			return fail("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId that you specified.")
		}
		if err != nil {
			return err
		}
		a, err = decode[handshakeAttrs](r)
		return err
	})
	if err != nil {
		return r, a, err
	}
	return r, a, s.authorize(c, r.ARN, nil)
}

func (s *Service) describeHandshake(c *call) (any, error) {
	r, a, err := s.handshake(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Handshake": handshakeOut(r, a)}, nil
}

func (s *Service) listHandshakesForAccount(c *call) (any, error) {
	if err := s.authorize(c, "*", nil); err != nil {
		return nil, err
	}
	var out []any
	err := s.view(c, func(tx store.ReadTx) error {
		rs, _, err := tx.ListResources(c.acct, svc, typeHandshake, store.ResourceFilter{}, store.ListOptions{MaxItems: store.MaxMaxItems})
		for _, r := range rs {
			a, err := decode[handshakeAttrs](r)
			if err != nil {
				return err
			}
			out = append(out, handshakeOut(r, a))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c, out)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Handshakes": nonNil(pg), "NextToken": next}, nil
}

func (s *Service) acceptHandshake(c *call) (any, error) {
	return s.answerHandshake(c, "ACCEPTED")
}

func (s *Service) declineHandshake(c *call) (any, error) {
	return s.answerHandshake(c, "DECLINED")
}

func (s *Service) answerHandshake(c *call, state string) (any, error) {
	r, a, err := s.handshake(c)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.update(c, func(tx store.Tx) error {
		cur, err := tx.GetResource(c.acct, svc, typeHandshake, r.ID)
		if err != nil {
			return err
		}
		if a, err = decode[handshakeAttrs](cur); err != nil {
			return err
		}
		now := s.d.Now().UTC()
		if a.State == "OPEN" && now.After(a.Expires) {
			a.State = "EXPIRED"
		}
		if a.State != "OPEN" {
			return fail("InvalidHandshakeTransitionException", "You can't perform the operation on the handshake in its current state ("+a.State+").")
		}
		if state == "ACCEPTED" {
			if m, err := membership(tx, c.acct); err != nil {
				return err
			} else if m != nil {
				return failReason("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION", "Your account is already a member of an organization.")
			}
			or, err := tx.GetResource(a.Management, svc, typeOrg, a.OrganizationID)
			if errors.Is(err, store.ErrNotFound) {
				return fail("InvalidHandshakeTransitionException", "The organization that sent the invitation no longer exists.")
			}
			if err != nil {
				return err
			}
			oa, err := decode[orgAttrs](or)
			if err != nil {
				return err
			}
			if err := join(tx, &org{res: or, attrs: oa}, c.acct, oa.RootID, "INVITED", now); err != nil {
				return err
			}
		}
		a.State = state
		cur.Attributes = encode(a)
		if cur, err = tx.UpdateResource(cur); err != nil {
			return err
		}
		out = handshakeOut(cur, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Handshake": out}, nil
}
