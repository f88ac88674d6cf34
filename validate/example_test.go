package validate_test

import (
	"fmt"

	"github.com/connect-iam/connect-iam/validate"
)

func ExampleValidator_Validate() {
	v, err := validate.New(validate.Options{PolicyType: validate.IdentityPolicy})
	if err != nil {
		panic(err)
	}
	src := []byte(`{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": [
            "connect:DescribeUser",
        ],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceIpp": "203.0.113.0/24"}}
    }]
}`)
	for _, f := range v.Validate(src) {
		p := f.Pos()
		fmt.Printf("%d:%d %s %s %v\n", p.Line, p.Column, f.FindingType, f.IssueCode, f.Suggestions)
	}
	// Output:
	// 6:35 ERROR JSON_SYNTAX_ERROR []
	// 9:40 ERROR INVALID_GLOBAL_CONDITION_KEY [aws:SourceIp]
}
