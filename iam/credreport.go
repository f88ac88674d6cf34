package iam

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/connect-iam/connect-iam/internal/mfa"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["GenerateCredentialReport"] = (*handler).generateCredentialReport
	operations["GetCredentialReport"] = (*handler).getCredentialReport
}

// credentialReportTTL is how long a credential report is current: IAM
// generates a new one only when the last is older, and GetCredentialReport
// refuses an older one.
const credentialReportTTL = 4 * time.Hour

// credentialReportID is the record ID of the account's credential report.
const credentialReportID = "credential-report"

// credentialReportColumns are the columns of IAM's credential report, in
// its order.
var credentialReportColumns = []string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"}

// reportAttrs are the stored fields of a report.
type reportAttrs struct {
	Generated time.Time `json:"generated"`
	CSV       string    `json:"csv"`
}

// reportTime formats a time as the credential report does; zero is none.
func reportTime(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

// credentialReport builds the CSV of the account's users at now, from the
// stored credentials and their recorded last use.
func (h *handler) credentialReport(tx store.ReadTx, acct string, now time.Time) (string, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(credentialReportColumns)
	account, err := tx.GetAccount(acct)
	if err != nil {
		return "", err
	}
	root := []string{"<root_account>", "arn:" + partition + ":iam::" + acct + ":root", reportTime(account.Created, "N/A"),
		"not_supported", "no_information", "not_supported", "not_supported", "false"}
	root = append(root, "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A")
	_ = w.Write(root)
	policy, _, hasPolicy, err := readPasswordPolicy(tx, acct)
	if err != nil {
		return "", err
	}
	var users []store.User
	opt := store.ListOptions{MaxItems: 1000}
	for {
		us, next, err := tx.ListUsers(acct, "", opt)
		if err != nil {
			return "", err
		}
		users = append(users, us...)
		if next == "" {
			break
		}
		opt.Marker = next
	}
	for _, u := range users {
		row := []string{u.Name, u.ARN, reportTime(u.Created, "N/A")}
		lp, _, err := readLoginProfile(tx, acct, entity{kind: store.KindUser, name: u.Name, id: u.ID})
		switch {
		case err == nil:
			next := "N/A"
			if hasPolicy && policy.MaxPasswordAge > 0 {
				changed := lp.Changed
				if changed.IsZero() {
					changed = lp.Created
				}
				next = reportTime(changed.AddDate(0, 0, policy.MaxPasswordAge), "N/A")
			}
			row = append(row, "true", "no_information", reportTime(lp.Changed, reportTime(lp.Created, "N/A")), next)
		case isNoSuchEntity(err):
			row = append(row, "false", "N/A", "N/A", "N/A")
		default:
			return "", err
		}
		devices, err := mfa.ForUser(tx, h.Box, acct, u.Name)
		if err != nil {
			return "", err
		}
		active := false
		for _, d := range devices {
			active = active || !d.Enabled.IsZero()
		}
		row = append(row, strconv.FormatBool(active))
		keys, err := tx.ListAccessKeys(acct, u.Name)
		if err != nil {
			return "", err
		}
		for i := range 2 {
			if i >= len(keys) {
				row = append(row, "false", "N/A", "N/A", "N/A", "N/A")
				continue
			}
			k := keys[i]
			row = append(row, strconv.FormatBool(k.Status == store.AccessKeyActive), reportTime(k.Created, "N/A"),
				reportTime(k.LastUsed, "N/A"), orNA(k.LastUsedRegion), orNA(k.LastUsedService))
		}
		certs, as, err := userCreds(tx, acct, recSigningCert, u.Name)
		if err != nil {
			return "", err
		}
		for i := range 2 {
			if i >= len(certs) {
				row = append(row, "false", "N/A")
				continue
			}
			row = append(row, strconv.FormatBool(as[i].Status == "Active"), reportTime(certs[i].Created, "N/A"))
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.String(), w.Error()
}

func orNA(s string) string {
	if s == "" {
		return "N/A"
	}
	return s
}

// isNoSuchEntity reports whether err is IAM's NoSuchEntity.
func isNoSuchEntity(err error) bool {
	qe, ok := err.(*awsquery.Error)
	return ok && qe.Code == "NoSuchEntity"
}

func (h *handler) generateCredentialReport(ctx context.Context, c *call) (any, error) {
	if err := h.authorize(ctx, c, "iam:GenerateCredentialReport", "*", nil); err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	state, desc := "COMPLETE", ""
	err := h.Store.Update(ctx, func(tx store.Tx) error {
		var a reportAttrs
		r, found, err := getRecord(tx, c.acct, recReportJob, credentialReportID, &a)
		if err != nil {
			return err
		}
		if found && now.Sub(a.Generated) < credentialReportTTL {
			return nil
		}
		state, desc = "STARTED", "No report exists. Starting a new report generation task"
		if !found {
			r = store.Resource{AccountID: c.acct, Service: "iam", Type: recReportJob, ID: credentialReportID, Name: credentialReportID,
				ARN: internalARN(c.acct, recReportJob, credentialReportID), Created: now}
		}
		a.CSV, err = h.credentialReport(tx, c.acct, now)
		if err != nil {
			return err
		}
		a.Generated = now
		_, err = putRecord(tx, r, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct {
		State       string `xml:"State"`
		Description string `xml:"Description,omitempty"`
	}{state, desc}, nil
}

func (h *handler) getCredentialReport(ctx context.Context, c *call) (any, error) {
	if err := h.authorize(ctx, c, "iam:GetCredentialReport", "*", nil); err != nil {
		return nil, err
	}
	var a reportAttrs
	var found bool
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		_, found, err = getRecord(tx, c.acct, recReportJob, credentialReportID, &a)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, awsquery.NewError(http.StatusGone, "ReportNotPresent", "Credential report does not exist. Use GenerateCredentialReport to generate a report.")
	}
	if h.Now().Sub(a.Generated) >= credentialReportTTL {
		return nil, awsquery.NewError(http.StatusGone, "ReportExpired", "Credential report is expired. Use GenerateCredentialReport to generate a new report.")
	}
	return struct {
		Content       string        `xml:"Content"` // base64, as blobs travel
		ReportFormat  string        `xml:"ReportFormat"`
		GeneratedTime awsquery.Time `xml:"GeneratedTime"`
	}{base64.StdEncoding.EncodeToString([]byte(a.CSV)), "text/csv", awsquery.Time(a.Generated)}, nil
}
