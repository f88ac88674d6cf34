package validate

import (
	"strings"

	"github.com/connect-iam/connect-iam/policy"
)

// This file holds checks beyond Access Analyzer's, from the linters
// security teams run (AWS Config, Security Hub, Cloudsplaining,
// parliament's community auditors, Checkov and KICS); docs/validate.md
// lists them under "Beyond Access Analyzer".

// placeholderFields are field values copied from documentation that
// stand for a value to fill in, lowercase.
var placeholderFields = map[string]bool{
	"region": true, "aws-region": true, "region-code": true, "regioncode": true,
	"account": true, "account-id": true, "account_id": true, "accountid": true, "aws-account-id": true,
	"partition": true, "aws-partition": true,
}

// checkPlaceholders reports ARN fields that are documentation
// placeholders: arn:aws:connect:region:account-id:instance/...,
// ${Region}, <account-id>.
func (c *checker) checkPlaceholders(vp path, v *policy.String, a parsedARN, off [6]int) {
	fields := [...]string{a.prefix, a.partition, a.service, a.region, a.account, a.resource}
	for i := 1; i < 6; i++ {
		f := fields[i]
		ph := ""
		switch {
		case (i == 1 || i == 3 || i == 4) && placeholderFields[strings.ToLower(f)]:
			ph = f
		case strings.HasPrefix(f, "<") && strings.Contains(f, ">"):
			ph = f[:strings.IndexByte(f, '>')+1]
		default:
			ph = catalogPlaceholder(f)
		}
		if ph == "" {
			continue
		}
		at := strings.Index(f, ph)
		c.report("PLACEHOLDER_IN_ARN", vp.sub(off[i]+at, len(ph)), fieldSpan(v, off[i]+at, len(ph)),
			"The resource "+quote(v.Text)+" contains the placeholder "+quote(ph)+" from documentation, which matches no real resource. Replace it with the real value, or * for any.")
		return
	}
}

// catalogPlaceholder returns the first ${Name} in s whose name has no
// colon (the Service Authorization Reference's ${Region}, ${Account},
// ${InstanceId}): not a policy variable, which names a condition key.
func catalogPlaceholder(s string) string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return ""
		}
		name := s[i+2 : i+j]
		if name != "*" && name != "?" && name != "$" && name != "" && !strings.ContainsAny(name, ":, '") {
			return s[i : i+j+1]
		}
		s = s[i+j+1:]
	}
}
