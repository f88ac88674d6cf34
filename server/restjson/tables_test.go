package restjson

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sharedConnect is where the Connect wire facts live beside the
// repository; the generated tables are checked against them when present.
var sharedConnect = filepath.Join("..", "..", "..", "shared", "reference", "connect")

func TestConnectTablesMatchSource(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedConnect, "connect-routes.json"))
	if err != nil {
		t.Skipf("Connect wire facts not available (%v); the committed tables are not re-checked", err)
	}
	var src map[string]struct {
		Errors []string `json:"errors"`
		Method string   `json:"method"`
		Path   string   `json:"path"`
		Query  []string `json:"query"`
	}
	if err := json.Unmarshal(b, &src); err != nil {
		t.Fatal(err)
	}
	if len(src) != len(ConnectRoutes) {
		t.Errorf("connect-routes.json has %d operations, ConnectRoutes %d; rerun go generate", len(src), len(ConnectRoutes))
	}
	for _, r := range ConnectRoutes {
		s, ok := src[r.Operation]
		if !ok || s.Method != r.Method || s.Path != r.Path || !slices.Equal(s.Query, r.Query) || !slices.Equal(s.Errors, r.Errors) {
			t.Errorf("%s differs from connect-routes.json (%+v); rerun go generate", r.Operation, s)
		}
	}
	b, err = os.ReadFile(filepath.Join(sharedConnect, "connect-errors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var errs struct {
		Errors map[string]struct {
			Status int `json:"status"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &errs); err != nil {
		t.Fatal(err)
	}
	if len(errs.Errors) != len(connectErrorStatus) {
		t.Errorf("connect-errors.json has %d errors, table %d", len(errs.Errors), len(connectErrorStatus))
	}
	for code, e := range errs.Errors {
		if ConnectErrorStatus(code) != e.Status {
			t.Errorf("%s: status %d, source %d", code, ConnectErrorStatus(code), e.Status)
		}
	}
}
