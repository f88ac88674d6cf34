package iam

import (
	"time"

	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

// The XML shapes of IAM results, with the element names the AWS SDKs
// parse. Lists are wrapped in <member> elements; optional timestamps are
// pointers so that absent ones are omitted.

type xTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// xTagList is an optional list of tags: nil omits the element. (A
// `xml:"Tags>member,omitempty"` field would still write an empty <Tags>.)
type xTagList struct {
	Member []xTag `xml:"member"`
}

type xBoundary struct {
	Type string `xml:"PermissionsBoundaryType"`
	ARN  string `xml:"PermissionsBoundaryArn"`
}

type xUser struct {
	Path                string         `xml:"Path"`
	UserName            string         `xml:"UserName"`
	UserID              string         `xml:"UserId"`
	ARN                 string         `xml:"Arn"`
	CreateDate          awsquery.Time  `xml:"CreateDate"`
	PasswordLastUsed    *awsquery.Time `xml:"PasswordLastUsed,omitempty"`
	PermissionsBoundary *xBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                *xTagList      `xml:"Tags,omitempty"`
}

type xGroup struct {
	Path       string        `xml:"Path"`
	GroupName  string        `xml:"GroupName"`
	GroupID    string        `xml:"GroupId"`
	ARN        string        `xml:"Arn"`
	CreateDate awsquery.Time `xml:"CreateDate"`
}

type xRoleLastUsed struct {
	LastUsedDate *awsquery.Time `xml:"LastUsedDate,omitempty"`
	Region       string         `xml:"Region,omitempty"`
}

type xRole struct {
	Path                     string         `xml:"Path"`
	RoleName                 string         `xml:"RoleName"`
	RoleID                   string         `xml:"RoleId"`
	ARN                      string         `xml:"Arn"`
	CreateDate               awsquery.Time  `xml:"CreateDate"`
	AssumeRolePolicyDocument string         `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string         `xml:"Description,omitempty"`
	MaxSessionDuration       int64          `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *xBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                     *xTagList      `xml:"Tags,omitempty"`
	RoleLastUsed             *xRoleLastUsed `xml:"RoleLastUsed,omitempty"`
}

type xPolicy struct {
	PolicyName                    string         `xml:"PolicyName"`
	PolicyID                      string         `xml:"PolicyId"`
	ARN                           string         `xml:"Arn"`
	Path                          string         `xml:"Path"`
	DefaultVersionID              string         `xml:"DefaultVersionId"`
	AttachmentCount               int            `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int            `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool           `xml:"IsAttachable"`
	Description                   string         `xml:"Description,omitempty"`
	CreateDate                    awsquery.Time  `xml:"CreateDate"`
	UpdateDate                    *awsquery.Time `xml:"UpdateDate,omitempty"`
	Tags                          *xTagList      `xml:"Tags,omitempty"`
}

type xPolicyVersion struct {
	Document         string        `xml:"Document,omitempty"`
	VersionID        string        `xml:"VersionId"`
	IsDefaultVersion bool          `xml:"IsDefaultVersion"`
	CreateDate       awsquery.Time `xml:"CreateDate"`
}

type xAttachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type xAccessKey struct {
	UserName        string        `xml:"UserName"`
	AccessKeyID     string        `xml:"AccessKeyId"`
	Status          string        `xml:"Status"`
	SecretAccessKey string        `xml:"SecretAccessKey,omitempty"`
	CreateDate      awsquery.Time `xml:"CreateDate"`
}

// page is the pagination part of list results.
type page struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

func newPage(next string) page { return page{IsTruncated: next != "", Marker: next} }

func ptime(t time.Time) *awsquery.Time {
	if t.IsZero() {
		return nil
	}
	v := awsquery.Time(t)
	return &v
}

func xTags(tags []store.Tag) []xTag {
	out := make([]xTag, len(tags))
	for i, t := range tags {
		out[i] = xTag(t)
	}
	return out
}

// optTags returns the tags as an optional list: nil when there are none.
func optTags(tags []store.Tag) *xTagList {
	if len(tags) == 0 {
		return nil
	}
	return &xTagList{xTags(tags)}
}

func boundary(arn string) *xBoundary {
	if arn == "" {
		return nil
	}
	return &xBoundary{Type: "PermissionsBoundaryPolicy", ARN: arn}
}

func userXML(u store.User, tags []store.Tag) xUser {
	return xUser{Path: u.Path, UserName: u.Name, UserID: u.ID, ARN: u.ARN, CreateDate: awsquery.Time(u.Created),
		PermissionsBoundary: boundary(u.PermissionsBoundaryARN), Tags: optTags(tags)}
}

func groupXML(g store.Group) xGroup {
	return xGroup{Path: g.Path, GroupName: g.Name, GroupID: g.ID, ARN: g.ARN, CreateDate: awsquery.Time(g.Created)}
}

// roleXML returns a role; full adds the fields GetRole returns beyond
// ListRoles (tags and last use).
func roleXML(r store.Role, tags []store.Tag, full bool) xRole {
	x := xRole{Path: r.Path, RoleName: r.Name, RoleID: r.ID, ARN: r.ARN, CreateDate: awsquery.Time(r.Created),
		AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument), Description: r.Description,
		MaxSessionDuration: int64(r.MaxSessionDuration / time.Second), PermissionsBoundary: boundary(r.PermissionsBoundaryARN),
		Tags: optTags(tags)}
	if full {
		x.RoleLastUsed = &xRoleLastUsed{LastUsedDate: ptime(r.LastUsed), Region: r.LastUsedRegion}
	}
	return x
}

func policyXML(p store.Policy, tags []store.Tag) xPolicy {
	return xPolicy{PolicyName: p.Name, PolicyID: p.ID, ARN: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersionID,
		AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount,
		IsAttachable: true, Description: p.Description, CreateDate: awsquery.Time(p.Created), UpdateDate: ptime(p.Updated),
		Tags: optTags(tags)}
}

func awsPolicyXML(p *awsPolicy, attachments int) xPolicy {
	return xPolicy{PolicyName: p.Name, PolicyID: p.uniqueID(), ARN: p.ARN, Path: p.path(), DefaultVersionID: p.DefaultVersionID,
		AttachmentCount: attachments, IsAttachable: true, CreateDate: awsquery.Time(p.Created), UpdateDate: ptime(p.Updated)}
}

func versionXML(v store.PolicyVersion, withDoc bool) xPolicyVersion {
	x := xPolicyVersion{VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: awsquery.Time(v.Created)}
	if withDoc {
		x.Document = encodeDocument(v.Document)
	}
	return x
}
