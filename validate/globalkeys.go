package validate

// globalKeys are the global condition keys (aws:*), with their Service
// Authorization Reference types. A name ending in "/" is a template whose
// tag key follows the slash. Sources: the IAM User Guide's global
// condition context keys page (see ../shared/reference/iam-spec.md §6).
var globalKeys = []struct{ name, typ string }{
	{"aws:CalledVia", "ArrayOfString"},
	{"aws:CalledViaFirst", "String"},
	{"aws:CalledViaLast", "String"},
	{"aws:CurrentTime", "Date"},
	{"aws:EpochTime", "Date"},
	{"aws:Ec2InstanceSourceVpc", "String"},
	{"aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"},
	{"aws:FederatedProvider", "String"},
	{"aws:MultiFactorAuthAge", "Numeric"},
	{"aws:MultiFactorAuthPresent", "Bool"},
	{"aws:PrincipalAccount", "String"},
	{"aws:PrincipalArn", "ARN"},
	{"aws:PrincipalIsAWSService", "Bool"},
	{"aws:PrincipalOrgID", "String"},
	{"aws:PrincipalOrgPaths", "ArrayOfString"},
	{"aws:PrincipalServiceName", "String"},
	{"aws:PrincipalServiceNamesList", "ArrayOfString"},
	{"aws:PrincipalTag/", "String"},
	{"aws:PrincipalType", "String"},
	{"aws:Referer", "String"},
	{"aws:RequestedRegion", "String"},
	{"aws:RequestTag/", "String"},
	{"aws:ResourceAccount", "String"},
	{"aws:ResourceOrgID", "String"},
	{"aws:ResourceOrgPaths", "ArrayOfString"},
	{"aws:ResourceTag/", "String"},
	{"aws:SecureTransport", "Bool"},
	{"aws:SourceAccount", "String"},
	{"aws:SourceArn", "ARN"},
	{"aws:SourceIdentity", "String"},
	{"aws:SourceIp", "IPAddress"},
	{"aws:SourceOrgID", "String"},
	{"aws:SourceOrgPaths", "ArrayOfString"},
	{"aws:SourceVpc", "String"},
	{"aws:SourceVpcArn", "ARN"},
	{"aws:SourceVpce", "String"},
	{"aws:TagKeys", "ArrayOfString"},
	{"aws:TokenIssueTime", "Date"},
	{"aws:UserAgent", "String"},
	{"aws:userid", "String"},
	{"aws:username", "String"},
	{"aws:ViaAWSService", "Bool"},
	{"aws:VpcSourceIp", "IPAddress"},
	{"aws:VpceAccount", "String"},
	{"aws:VpceOrgID", "String"},
	{"aws:VpceOrgPaths", "ArrayOfString"},
	{"aws:AssumedRoot", "Bool"},
	{"aws:ChatbotSourceArn", "ARN"},
	{"aws:SourceOwner", "String"},
}

// unsupportedGlobalKeys maps global keys (lowercase) that are never in
// the request context to the keys to use instead.
var unsupportedGlobalKeys = map[string]string{
	"aws:arn": "aws:PrincipalArn or aws:SourceArn",
}
