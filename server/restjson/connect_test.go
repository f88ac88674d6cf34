package restjson

import (
	"sync"

	"github.com/connect-iam/connect-iam/internal/apimodel"
)

// The Amazon Connect API model's 370 routes are the router tests' corpus.
var connectRoutes = sync.OnceValue(func() []Route {
	m := apimodel.MustLoad("connect")
	var out []Route
	for _, name := range m.OperationNames() {
		op := m.Operations[name]
		r := Route{Operation: name, Method: op.HTTP.Method, Path: op.HTTP.Path()}
		in := m.Input(op)
		for _, n := range in.MemberNames() {
			if mb := in.Members[n]; mb.Location == "querystring" {
				r.Query = append(r.Query, mb.WireName(n))
			}
		}
		for _, e := range op.Errors {
			r.Errors = append(r.Errors, e.Shape)
		}
		out = append(out, r)
	}
	return out
})

// connectError returns an Amazon Connect error with the model's status.
func connectError(code, message string) *Error {
	status, ok := apimodel.MustLoad("connect").ErrorStatus(code)
	if !ok {
		status = 400
	}
	return NewError(status, code, message)
}
