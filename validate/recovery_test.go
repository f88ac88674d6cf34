package validate

import "testing"

// TestRecovery checks that a syntax error does not hide the problems
// after it.
func TestRecovery(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "line:col CODE"
	}{
		{
			"trailing comma, invalid action two lines below",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n\"Action\": [\"connect:DescribeUser\",],\n\"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": \"connect:DescribeUsr\", \"Resource\": \"*\"}]}",
			[]string{"2:34 JSON_SYNTAX_ERROR", "4:31 INVALID_ACTION"},
		},
		{
			"missing comma, invalid service after it",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n\"Action\": [\"connect:DescribeUser\"\n\"conect:ListUsers\"], \"Resource\": \"*\"}]}",
			[]string{"2:34 JSON_SYNTAX_ERROR", "3:1 INVALID_SERVICE_IN_ACTION"},
		},
		{
			"duplicate key, unknown element and invalid key",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Effect\": \"Deny\",\n\"Actions\": \"connect:DescribeUser\", \"Action\": \"connect:ListUsers\", \"Resource\": \"*\",\n\"Condition\": {\"Bool\": {\"aws:SecureTransportt\": \"true\"}}}]}",
			[]string{"1:61 JSON_SYNTAX_ERROR", "2:1 INVALID_POLICY_ELEMENT", "3:24 INVALID_GLOBAL_CONDITION_KEY"},
		},
		{
			"unterminated document",
			"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"connect:DescribeUsr\", \"Resource\": \"*\"}",
			[]string{"1:71 INVALID_ACTION", "1:110 JSON_SYNTAX_ERROR"},
		},
	}
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := v.Validate([]byte(tc.src))
			have := map[string]bool{}
			for _, f := range got {
				p := f.Pos()
				have[itoa(p.Line)+":"+itoa(p.Column)+" "+f.IssueCode] = true
			}
			for _, w := range tc.want {
				if !have[w] {
					t.Errorf("no %s; got %s", w, codesOf(got))
				}
			}
		})
	}
}
