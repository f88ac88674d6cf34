package validate

import (
	"sort"
	"strings"
)

// Source says which tool defines an issue code.
type Source string

// Sources of issue codes.
const (
	// AccessAnalyzer codes are IAM Access Analyzer ValidatePolicy's.
	AccessAnalyzer Source = "access-analyzer"
	// Parliament codes are duo-labs/parliament's extra checks.
	Parliament Source = "parliament"
	// ConnectIAM codes are connect-iam's own.
	ConnectIAM Source = "connect-iam"
)

// Rule describes one issue code.
type Rule struct {
	Code  string
	Type  FindingType
	Title string // short, as in Access Analyzer's check reference
	// Help says how to resolve a finding of this code.
	Help   string
	Source Source
}

// LearnMoreLink returns the documentation page of the rule.
func (r *Rule) LearnMoreLink() string {
	switch r.Source {
	case AccessAnalyzer:
		kind := map[FindingType]string{
			Error: "error", SecurityWarning: "security-warning",
			Warning: "general-warning", Suggestion: "suggestion",
		}[r.Type]
		return "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html" +
			"#access-analyzer-reference-policy-checks-" + kind + "-" + strings.ToLower(strings.ReplaceAll(r.Code, "_", "-"))
	case Parliament:
		return "https://github.com/duo-labs/parliament#" + strings.ToLower(strings.ReplaceAll(r.Code, "_", "-"))
	}
	return "https://github.com/connect-iam/connect-iam/blob/main/docs/validate.md#" + strings.ToLower(strings.ReplaceAll(r.Code, "_", "-"))
}

// Rules returns every issue code the validator can report, sorted by code.
func Rules() []*Rule {
	out := make([]*Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// RuleFor returns the rule of an issue code, or nil.
func RuleFor(code string) *Rule { return rules[code] }

var rules = map[string]*Rule{}

func init() {
	for _, r := range ruleTable {
		if _, dup := rules[r.Code]; dup {
			panic("validate: rule registered twice: " + r.Code)
		}
		rules[r.Code] = r
	}
}

// rule is shorthand for building the table below.
func rule(src Source, t FindingType, code, title, help string) *Rule {
	return &Rule{Code: code, Type: t, Title: title, Help: help, Source: src}
}

const aa = AccessAnalyzer

var ruleTable = []*Rule{
	// Structure and JSON.
	rule(aa, Error, "JSON_SYNTAX_ERROR", "JSON syntax error", "Fix the JSON syntax at the reported line and column."),
	rule(aa, Error, "DATA_TYPE_MISMATCH", "Data type mismatch", "Write the value with the JSON type the element takes."),
	rule(aa, Error, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", "Duplicate keys with different case", "Keep one of the keys: IAM treats keys that differ only in case as the same key."),
	rule(aa, Error, "INVALID_EFFECT", "Invalid effect", `Set Effect to "Allow" or "Deny" (case sensitive).`),
	rule(aa, Error, "INVALID_POLICY_ELEMENT", "Invalid policy element", "Remove the element or correct its spelling."),
	rule(aa, Error, "INVALID_VERSION", "Invalid version", `Set Version to "2012-10-17".`),
	rule(aa, Warning, "MISSING_VERSION", "Missing version", `Add "Version": "2012-10-17"; without it policy variables are literal text.`),
	rule(aa, Error, "MISSING_STATEMENT", "Missing statement", "Wrap the statements in a policy object with a Statement array."),
	rule(aa, Error, "MISSING_EFFECT", "Missing effect", "Add an Effect element to the statement."),
	rule(aa, Error, "MISSING_ACTION", "Missing action", "Add an Action or NotAction element to the statement."),
	rule(aa, Error, "MISSING_RESOURCE", "Missing resource", "Add a Resource or NotResource element to the statement."),
	rule(aa, Error, "MISSING_PRINCIPAL", "Missing principal", "Add a Principal element: resource-based and trust policies must name who they apply to."),
	rule(aa, Error, "UNSUPPORTED_ELEMENT_COMBINATION", "Unsupported element combination", "Use only one of the two elements in the statement."),
	rule(aa, Error, "UNSUPPORTED_PRINCIPAL", "Unsupported principal", "Remove the Principal element: this policy type applies to the identity it is attached to."),
	rule(aa, Error, "UNSUPPORTED_SID", "Unsupported Sid", "Use only the characters A-Z, a-z and 0-9 in the Sid."),
	rule(aa, Error, "UNIQUE_SIDS_REQUIRED", "Unique Sids required", "Give every statement a different Sid."),
	rule(aa, Warning, "UNIQUE_SIDS_RECOMMENDED", "Unique Sids recommended", "Give every statement a different Sid."),
	rule(aa, Suggestion, "EMPTY_SID_VALUE", "Empty Sid value", "Remove the empty Sid or give it a value."),
	rule(aa, Warning, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "Policy size exceeds identity policy quota", "Split the policy or use wildcards for related actions."),
	rule(aa, Warning, "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", "Policy size exceeds resource policy quota", "Shorten the policy."),
	rule(aa, Warning, "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", "Policy size exceeds role trust policy quota", "Shorten the policy or request a quota increase (up to 4,096 characters)."),
	rule(aa, Error, "POLICY_SIZE_EXCEEDS_SCP_QUOTA", "Policy size exceeds SCP quota", "Shorten the policy: SCPs count every character, whitespace included."),
	rule(aa, Error, "POLICY_SIZE_EXCEEDS_RCP_QUOTA", "Policy size exceeds RCP quota", "Shorten the policy: RCPs count every character, whitespace included."),
	rule(ConnectIAM, Error, "POLICY_SIZE_EXCEEDS_SESSION_POLICY_QUOTA", "Policy size exceeds session policy quota", "Shorten the session policy to 2,048 characters or fewer."),

	// Actions and services.
	rule(aa, Error, "INVALID_ACTION", "Invalid action", "Use an action the service defines (see the Service Authorization Reference)."),
	rule(aa, Error, "INVALID_SERVICE_IN_ACTION", "Invalid service in action", "Use an existing service prefix before the colon."),
	rule(aa, Error, "INVALID_SERVICE", "Invalid service", "Use an existing service prefix in the condition key."),
	rule(aa, Error, "UNSUPPORTED_ACTION_IN_POLICY", "Unsupported action in policy", "Use only actions of the service that owns the resource the policy is attached to."),
	rule(aa, Suggestion, "EMPTY_ARRAY_ACTION", "Empty array action", "Add actions to the array or remove the statement."),
	rule(aa, Suggestion, "REDUNDANT_STATEMENT", "Redundant statement", "Remove the statement: another statement of the policy says the same."),
	rule(aa, Suggestion, "REDUNDANT_ACTION", "Redundant action", "Remove the action: another entry of the statement already matches it."),
	rule(aa, Suggestion, "WILDCARD_IN_SERVICE_NAME", "Wildcard in service name", "Name the service explicitly: a wildcard there grants actions of services that may be added later."),

	// Resources and ARNs.
	rule(aa, Error, "ARN_ACCOUNT_NOT_ALLOWED", "ARN account not allowed", "Remove the account ID from the ARN: the service's resources have no account in their ARN."),
	rule(aa, Error, "ARN_REGION_NOT_ALLOWED", "ARN Region not allowed", "Remove the Region from the ARN: the service is global."),
	rule(aa, Error, "INVALID_ARN_ACCOUNT", "Invalid ARN account", "Use a 12-digit account ID or a wildcard."),
	rule(aa, Error, "INVALID_ARN_PREFIX", "Invalid ARN prefix", `Start the ARN with "arn:".`),
	rule(aa, Error, "INVALID_ARN_REGION", "Invalid ARN Region", "Use a Region code of the ARN's partition, such as us-east-1, or a wildcard."),
	rule(aa, Error, "INVALID_ARN_RESOURCE", "Invalid ARN resource", "Write the resource part in one of the ARN formats of the service's resource types (see the Service Authorization Reference)."),
	rule(aa, Error, "MISSING_ARN_ACCOUNT", "Missing ARN account", "Add the 12-digit account ID, or * for every account: the resource type's ARNs have one."),
	rule(aa, Error, "INVALID_ARN_SERVICE_CASE", "Invalid ARN service case", "Write the service prefix of the ARN in lowercase."),
	rule(aa, Error, "INVALID_PARTITION", "Invalid partition", "Use aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc."),
	rule(aa, Error, "MISSING_ARN_FIELD", "Missing ARN field", "Write the ARN as arn:partition:service:region:account:resource."),
	rule(aa, Error, "MISSING_ARN_REGION", "Missing ARN Region", "Add a Region, or * for every Region, to the ARN."),
	rule(aa, Error, "UNSUPPORTED_RESOURCE_ARN_IN_POLICY", "Unsupported resource ARN in policy", "Use only ARNs of the resource the policy is attached to."),
	rule(aa, Suggestion, "EMPTY_ARRAY_RESOURCE", "Empty array resource", "Add resources to the array or remove the statement."),
	rule(aa, Suggestion, "REDUNDANT_RESOURCE", "Redundant resource", "Remove the resource: another entry of the statement already matches it."),

	// Principals.
	rule(aa, Error, "INVALID_PRINCIPAL_FORMAT", "Invalid principal format", "Use an account ID, an IAM ARN or * as an AWS principal."),
	rule(aa, Error, "INVALID_PRINCIPAL_KEY", "Invalid principal key", "Use AWS, Service, Federated or CanonicalUser as the principal type."),
	rule(aa, Error, "INVALID_SERVICE_PRINCIPAL_FORMAT", "Invalid service principal format", "Write the service principal as service.amazonaws.com."),
	rule(aa, Error, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "Unsupported wildcard in principal", `Use "*" alone or a full principal: wildcards cannot match part of a principal.`),
	rule(aa, Error, "FEDERATED_PRINCIPAL_NOT_SUPPORTED", "Federated principal not supported", "Name an AWS or service principal: federated principals are only for role trust policies."),
	rule(aa, Suggestion, "EMPTY_ARRAY_PRINCIPAL", "Empty array principal", "Add principals to the array or remove the statement."),
	rule(aa, Suggestion, "EMPTY_OBJECT_PRINCIPAL", "Empty object principal", "Add a principal to the object or remove the statement."),
	rule(aa, SecurityWarning, "ALLOW_WITH_NOT_PRINCIPAL", "Allow with NotPrincipal", `Use "Principal" with the principals to allow: Allow with NotPrincipal allows everyone else, anonymous users included.`),
	rule(aa, Warning, "INVALID_ROLE_REFERENCE", "Invalid role reference", "Use the role ARN: a unique ID (AROA...) means the role was deleted."),
	rule(aa, Warning, "INVALID_USER_REFERENCE", "Invalid user reference", "Use the user ARN: a unique ID (AIDA...) means the user was deleted."),
	rule(aa, SecurityWarning, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Restrict access to service principal", "Add an aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition so that the service acts only for your resources."),

	// Role trust policies.
	rule(aa, Error, "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", "Role trust policy syntax error NotPrincipal", "Use Principal: role trust policies do not support NotPrincipal."),
	rule(aa, Error, "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "Role trust policy unsupported wildcard in principal", "Name the principal without wildcards."),
	rule(aa, Error, "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", "Role trust policy syntax error resource", "Remove the Resource element: the resource of a trust policy is the role itself."),
	rule(aa, Error, "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", "Invalid federated principal syntax in role trust policy", "Use a SAML or OIDC provider ARN, or cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com or accounts.google.com."),
	rule(aa, Error, "MISMATCHED_ACTION_FOR_PRINCIPAL", "Mismatched action for principal", "Use sts:AssumeRoleWithSAML for SAML providers and sts:AssumeRoleWithWebIdentity for OIDC providers."),
	rule(aa, Error, "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", "Missing action for Roles Anywhere trust policy", "Allow sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession to rolesanywhere.amazonaws.com."),
	rule(aa, SecurityWarning, "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", "Missing condition key for OIDC principal", "Add a condition on the provider's aud (and sub) claims."),
	rule(aa, SecurityWarning, "MISSING_GITHUB_REPO_CONDITION_KEY", "Missing GitHub repo condition key", "Add a token.actions.githubusercontent.com:sub condition naming your repositories."),
	rule(aa, Warning, "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", "Specific GitHub repo and branch recommended", "Name the repository and branch in token.actions.githubusercontent.com:sub without wildcards."),
	rule(aa, Suggestion, "CONFIRM_AUDIENCE_CLAIM_TYPE", "Confirm audience claim type", "Check whether the provider's aud claim is single- or multivalued, and use a set operator only if it is multivalued."),
	rule(aa, Suggestion, "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", "Redundant principal in role trust policy", "Remove the assumed-role session principal: its role is already listed."),

	// Service and resource control policies.
	rule(aa, Error, "SCP_SYNTAX_ERROR_ACTION_WILDCARD", "SCP syntax error action wildcard", "Put the wildcard only at the end of the action (legacy SCP grammar)."),
	rule(aa, Error, "SCP_SYNTAX_ERROR_ALLOW_CONDITION", "SCP syntax error allow condition", "Remove the Condition from the Allow statement (legacy SCP grammar)."),
	rule(aa, Error, "SCP_SYNTAX_ERROR_ALLOW_NOTACTION", "SCP syntax error allow NotAction", "Use Action in Allow statements (legacy SCP grammar)."),
	rule(aa, Error, "SCP_SYNTAX_ERROR_ALLOW_RESOURCE", "SCP syntax error allow resource", `Use "Resource": "*" in Allow statements (legacy SCP grammar).`),
	rule(aa, Error, "SCP_SYNTAX_ERROR_NOTRESOURCE", "SCP syntax error NotResource", "Use Resource (legacy SCP grammar)."),
	rule(aa, Error, "SCP_SYNTAX_ERROR_PRINCIPAL", "SCP syntax error principal", "Remove Principal/NotPrincipal; use aws:PrincipalArn conditions instead."),
	rule(aa, Error, "RCP_SYNTAX_ERROR_PRINCIPAL", "RCP syntax error principal", `Use "Principal": "*" and restrict with conditions; RCPs support no other principal.`),
	rule(aa, Error, "RCP_SYNTAX_ERROR_ALLOW", "RCP syntax error allow", "Use Deny: RCPs other than RCPFullAWSAccess only deny."),
	rule(aa, Error, "RCP_SYNTAX_ERROR_NOTACTION", "RCP syntax error NotAction", "Use Action: RCPs do not support NotAction."),
	rule(aa, Error, "RCP_SYNTAX_ERROR_ACTION", "RCP syntax error action", "Use actions of services that support RCPs, and not \"*\" alone."),

	// Conditions.
	rule(aa, Error, "INVALID_CONDITION_OPERATOR", "Invalid condition operator", "Use a condition operator IAM defines."),
	rule(aa, Error, "INVALID_CONDITION_DATA_TYPE", "Invalid condition data type", "Write every value of the key with the same JSON type."),
	rule(aa, Error, "INVALID_CONDITION_KEY_FORMAT", "Invalid condition key format", "Write the key as service:KeyName."),
	rule(aa, Error, "INVALID_CONDITION_MULTIPLE_BOOLEAN", "Invalid condition multiple Boolean", "Use one Boolean value: true or false."),
	rule(aa, Error, "INVALID_GLOBAL_CONDITION_KEY", "Invalid global condition key", "Use a global condition key AWS defines."),
	rule(aa, Error, "INVALID_SERVICE_CONDITION_KEY", "Invalid service condition key", "Use a condition key the service defines."),
	rule(aa, Error, "INVALID_REGION", "Invalid Region", "Use Region codes such as us-east-1."),
	rule(aa, Error, "INVALID_VPC_FORMAT", "Invalid VPC format", "Write the VPC ID as vpc- followed by 8 or 17 hexadecimal characters."),
	rule(aa, Error, "INVALID_VPCE_FORMAT", "Invalid VPCE format", "Write the VPC endpoint ID as vpce- followed by 8 or 17 hexadecimal characters."),
	rule(aa, Error, "MISSING_QUALIFIER", "Missing qualifier", "Prefix the operator with ForAllValues: or ForAnyValue: for a multivalued key."),
	rule(aa, Error, "MISSING_TAG_KEY_IN_CONDITION", "Missing tag key in condition", "Name the tag key after the slash, as in aws:ResourceTag/Department."),
	rule(aa, Error, "NULL_WITH_IF_EXISTS", "Null with if exists", "Use Null without IfExists."),
	rule(aa, Error, "UNSUPPORTED_GLOBAL_CONDITION_KEY", "Unsupported global condition key", "Use aws:PrincipalArn or aws:SourceArn instead of aws:ARN."),
	rule(aa, Error, "PRIVATE_IP_ADDRESS", "Private IP address", "Use aws:VpcSourceIp for private addresses: aws:SourceIp holds public addresses only."),
	rule(aa, Error, "PRIVATE_NOT_IP_ADDRESS", "Private NotIpAddress", "Use aws:VpcSourceIp for private addresses: aws:SourceIp holds public addresses only."),
	rule(aa, Error, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", "Unsupported action for condition key", "Use the key with actions that support it, or move those actions to another statement."),
	rule(aa, Error, "MISSING_ACTION_FOR_CONDITION_KEY", "Missing action for condition key", "Add the action the key applies to, or remove the condition."),
	rule(aa, Error, "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", "Unsupported condition key for service principal", "Use aws:SourceArn, aws:SourceAccount or aws:SourceOrgID: service principals have no principal tags or ARN."),
	rule(aa, SecurityWarning, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", "ForAllValues with single valued key", "Remove ForAllValues: with a single-valued key it also matches requests without the key."),
	rule(aa, Warning, "INVALID_DATE_VALUE", "Invalid date value", "Write dates as YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ or epoch seconds."),
	rule(aa, Warning, "WILDCARD_WITHOUT_LIKE_OPERATOR", "Wildcard without like operator", "Use StringLike/ArnLike, or remove the wildcard: other operators compare * and ? literally."),
	rule(aa, Warning, "TYPE_MISMATCH", "Type mismatch", "Use an operator of the key's type."),
	rule(aa, Warning, "TYPE_MISMATCH_BOOLEAN", "Type mismatch Boolean", `Use "true" or "false".`),
	rule(aa, Warning, "TYPE_MISMATCH_DATE", "Type mismatch date", "Use an ISO 8601 date or epoch seconds."),
	rule(aa, Error, "TYPE_MISMATCH_IP_RANGE", "Type mismatch IP range", "Use an IPv4 or IPv6 address or CIDR range."),
	rule(aa, Warning, "TYPE_MISMATCH_NUMBER", "Type mismatch number", "Use an integer or decimal number."),
	rule(aa, Warning, "TYPE_MISMATCH_STRING", "Type mismatch string", "Use a base64-encoded value with BinaryEquals."),
	rule(aa, SecurityWarning, "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "Deny with unsupported tag condition key for service", "The service ignores this tag key, so the Deny never applies to it: use another condition."),
	rule(aa, SecurityWarning, "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "Deny NotAction with unsupported tag condition key for service", "Some services matched by NotAction ignore the tag key, so the Deny never applies to them."),
	rule(aa, Suggestion, "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "Allow with unsupported tag condition key for service", "The service ignores this tag key, so the statement never allows its actions: remove them or the condition."),
	rule(aa, Suggestion, "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "Allow NotAction with unsupported tag condition key for service", "Some services matched by NotAction ignore the tag key."),
	rule(aa, Suggestion, "EMPTY_ARRAY_CONDITION", "Empty array condition", "Add values or remove the condition key."),
	rule(aa, Suggestion, "EMPTY_ARRAY_CONDITION_FORALLVALUES", "Empty array condition ForAllValues", "Add values: an empty list with ForAllValues matches only when the key is missing."),
	rule(aa, Suggestion, "EMPTY_ARRAY_CONDITION_FORANYVALUE", "Empty array condition ForAnyValue", "Add values: an empty list with ForAnyValue never matches."),
	rule(aa, Suggestion, "EMPTY_ARRAY_CONDITION_IFEXISTS", "Empty array condition IfExists", "Add values: an empty list with IfExists matches only when the key is missing."),
	rule(aa, Suggestion, "EMPTY_OBJECT_CONDITION", "Empty object condition", "Add conditions or remove the Condition element."),
	rule(aa, Suggestion, "IMPROVE_IP_RANGE", "Improve IP range", "Clear the host bits of the CIDR range."),
	rule(aa, Suggestion, "NULL_WITH_QUALIFIER", "Null with qualifier", "Remove the ForAllValues/ForAnyValue qualifier from Null."),
	rule(aa, Suggestion, "PRIVATE_IP_ADDRESS_SUBSET", "Private IP address subset", "Move the private ranges to an aws:VpcSourceIp condition."),
	rule(aa, Suggestion, "PRIVATE_NOT_IP_ADDRESS_SUBSET", "Private NotIpAddress subset", "Move the private ranges to an aws:VpcSourceIp condition."),
	rule(aa, Suggestion, "REDUNDANT_CONDITION_VALUE_NUM", "Redundant condition value num", "Keep one value: with a less/greater-than operator only the widest value matters."),
	rule(aa, SecurityWarning, "MISSING_PAIRED_CONDITION_KEYS", "Missing paired condition keys", "Add the paired key to the same condition block: aws:SourceAccount (or aws:SourceOrgID) with an aws:SourceArn that has no account, aws:SourceVpc or aws:SourceVpce with aws:VpcSourceIp."),
	rule(aa, Warning, "DEPRECATED_GLOBAL_CONDITION_KEY", "Deprecated global condition key", "Use the newer condition key the finding names."),
	rule(aa, Suggestion, "IRRELEVANT_CONDITION_KEY_IN_POLICY", "Irrelevant condition key in policy", "Remove the key: it never has a value for the requests this policy type applies to."),
	rule(aa, Error, "INVALID_KMS_KEY_VALUE", "Invalid KMS key value", "Use a value AWS KMS defines for the key, such as SYMMETRIC_DEFAULT for kms:KeySpec."),
	rule(aa, Error, "WILDCARD_USAGE_TOO_PERMISSIVE", "Wildcard usage too permissive", "Name the principals, accounts or organizations: a wildcard covering every value makes the condition restrict nothing."),
	rule(aa, Suggestion, "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", "Recommended condition key for service principal", "Use aws:SourceAccount/aws:SourceArn instead of aws:PrincipalAccount/aws:PrincipalArn with service principals."),

	// Policy variables.
	rule(aa, Error, "INVALID_VARIABLE_FOR_OPERATOR", "Invalid variable for operator", "Use the variable with a String or ARN operator, or write the value literally."),
	rule(aa, Error, "MISSING_BRACE_IN_VARIABLE", "Missing brace in variable", "Close the variable with }."),
	rule(aa, Error, "MISSING_QUOTE_IN_VARIABLE", "Missing quote in variable", "Quote the default value with single quotes: ${key, 'default'}."),
	rule(aa, Error, "UNSUPPORTED_SPACE_IN_VARIABLE", "Unsupported space in variable", "Remove the space: only one space after the comma before a default value is allowed."),
	rule(aa, Error, "EMPTY_VARIABLE", "Empty variable", "Name a condition key in ${}, or write ${$} for a literal $."),
	rule(aa, Error, "VARIABLE_UNSUPPORTED_IN_ELEMENT", "Variable unsupported in element", "Use variables only in the resource part of ARNs and in String/ARN condition values."),
	rule(aa, Error, "UNSUPPORTED_SYMBOL_IN_VARIABLE", "Unsupported symbol in variable", "Use only letters, digits and : / _ - . @ + = in the key of a policy variable."),
	rule(aa, Error, "VARIABLE_USAGE_TOO_PERMISSIVE", "Variable usage too permissive", "Use a policy variable the caller cannot set (aws:PrincipalTag/..., aws:username), not one from the request (aws:RequestTag/..., s3:prefix)."),
	rule(aa, Error, "VARIABLE_UNSUPPORTED_IN_VERSION", "Variable unsupported in version", `Set "Version": "2012-10-17": under 2008-10-17 variables are literal text.`),

	// Security warnings and general warnings on sensitive actions.
	rule(aa, SecurityWarning, "PASS_ROLE_WITH_NOT_RESOURCE", "Pass role with NotResource", "Allow iam:PassRole on specific role ARNs with Resource."),
	rule(aa, SecurityWarning, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Pass role with star in action and NotResource", "Allow iam:PassRole on specific role ARNs with Resource."),
	rule(aa, SecurityWarning, "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "Pass role with NotAction and NotResource", "Allow iam:PassRole on specific role ARNs with Resource."),
	rule(aa, SecurityWarning, "PASS_ROLE_WITH_STAR_IN_RESOURCE", "Pass role with star in resource", "Name the roles in Resource, and add an iam:PassedToService condition."),
	rule(aa, SecurityWarning, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "Pass role with star in action and resource", "Name the roles in Resource for iam:PassRole."),
	rule(aa, SecurityWarning, "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "Pass role with star in resource and NotAction", "Name the roles in Resource for iam:PassRole."),
	rule(aa, Warning, "CREATE_SLR_WITH_NOT_RESOURCE", "Create SLR with NotResource", "Allow iam:CreateServiceLinkedRole on specific role ARNs, or add an iam:AWSServiceName condition."),
	rule(aa, Warning, "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Create SLR with star in action and NotResource", "Allow iam:CreateServiceLinkedRole on specific role ARNs."),
	rule(aa, Warning, "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", "Create SLR with NotAction and NotResource", "Allow iam:CreateServiceLinkedRole on specific role ARNs."),
	rule(aa, Warning, "CREATE_SLR_WITH_STAR_IN_RESOURCE", "Create SLR with star in resource", "Name the service-linked roles in Resource or add an iam:AWSServiceName condition."),
	rule(aa, Warning, "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", "Create SLR with star in action and resource", "Name the service-linked roles in Resource or add an iam:AWSServiceName condition."),
	rule(aa, Warning, "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "Create SLR with star in resource and NotAction", "Name the service-linked roles in Resource or add an iam:AWSServiceName condition."),

	// Beyond Access Analyzer: the linters security teams run.
	rule(ConnectIAM, SecurityWarning, "FULL_ADMIN_ACCESS", "Full administrator access", `Grant only the actions and resources needed: "Action": "*" on "Resource": "*" without a condition is full administrator access (Security Hub IAM.1).`),
	rule(ConnectIAM, SecurityWarning, "FULL_SERVICE_ACCESS", "Full service access", `Name the actions: "service:*" on "Resource": "*" without a condition grants every action of the service (AWS Config iam-policy-no-statements-with-full-access, Security Hub IAM.21).`),
	rule(ConnectIAM, SecurityWarning, "PERMISSIONS_MANAGEMENT_ON_ALL_RESOURCES", "Permissions management on all resources", "Name the resources or add conditions: permissions-management actions on every resource let the holder change who has access (Cloudsplaining, parliament's PERMISSIONS_MANAGEMENT_ACTIONS)."),
	rule(ConnectIAM, Warning, "DESTRUCTIVE_ACTION_ON_ALL_RESOURCES", "Destructive action on all resources", "Name the resources or add conditions: delete, terminate and similar actions on every resource can destroy any of them."),
	rule(ConnectIAM, Warning, "NOTRESOURCE_WITH_ALLOW", "NotResource with Allow", "List the resources in Resource: Allow with NotResource allows every resource not listed (parliament's NOTRESOURCE_WITH_ALLOW)."),
	rule(ConnectIAM, SecurityWarning, "PUBLIC_RESOURCE_POLICY", "Public resource policy", `Name the principals instead of "*", or add a condition (aws:PrincipalOrgID, aws:SourceAccount, aws:SourceVpce) that limits who the statement applies to.`),
	rule(ConnectIAM, Warning, "PLACEHOLDER_IN_ARN", "Placeholder in ARN", "Replace the documentation placeholder (region, account-id, ${Region}, <name>) with the real value, or * for any."),

	// parliament's extra checks.
	rule(Parliament, SecurityWarning, "PRIVILEGE_ESCALATION", "Privilege escalation", "Remove one of the actions of the combination, or restrict their resources."),
	rule(Parliament, SecurityWarning, "CREDENTIALS_EXPOSURE", "Credentials exposure", "Restrict the action to the principals and resources that need the credentials it returns."),
	rule(Parliament, SecurityWarning, "SENSITIVE_ACCESS", "Sensitive access", "Restrict the action to named resources."),
	rule(Parliament, Warning, "RESOURCE_MISMATCH", "Resource mismatch", "List a resource of a type the action applies to, or move the action to a statement that does."),
	rule(Parliament, SecurityWarning, "RESOURCE_POLICY_PRIVILEGE_ESCALATION", "Resource policy privilege escalation", "Allowing a resource policy to be written lets the holder grant themselves any access: restrict it."),
	rule(Parliament, Warning, "BAD_PATTERN_FOR_MFA", "Bad pattern for MFA", "Deny with BoolIfExists aws:MultiFactorAuthPresent false, or Null aws:MultiFactorAuthPresent true: the key is absent for long-term keys."),
	rule(Parliament, Warning, "MISMATCHED_TYPE_OPERATION_TO_NULL", "Mismatched type operation to Null", `Use "true" or "false" with Null.`),
	rule(Parliament, Suggestion, "RESOURCE_EFFECTIVELY_STAR", "Resource effectively star", `Write "*" or, better, name the resources: this pattern matches every ARN.`),
}
