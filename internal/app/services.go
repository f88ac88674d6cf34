package app

import (
	"github.com/connect-iam/connect-iam/apiservice"
	"github.com/connect-iam/connect-iam/connect"
	"github.com/connect-iam/connect-iam/connectapps"
)

// ModelServices describes the services served from AWS's API models
// (Amazon Connect and its neighbours) and each of their operations, as
// New registers them, without opening anything.
func ModelServices() []*apiservice.Served {
	return append([]*apiservice.Served{connect.Served()}, connectapps.Served()...)
}
