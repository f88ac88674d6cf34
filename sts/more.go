package sts

import (
	"context"

	"github.com/connect-iam/connect-iam/server"
)

// moreOperations are the STS operations beyond the credential-issuing
// core of sts.go.
func (s *Service) moreOperations() map[string]func(context.Context, *server.QueryCall) (any, error) {
	return map[string]func(context.Context, *server.QueryCall) (any, error){}
}
