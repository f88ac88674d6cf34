package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/connect-iam/connect-iam/internal/bootstrap"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
)

// ResetPath is the endpoint that restores the bootstrapped state, when
// Config.AllowReset is set.
const ResetPath = "/_connect-iam/reset"

// resetter is implemented by stores that can be emptied and refilled in
// one transaction (store/sqlite).
type resetter interface {
	Reset(ctx context.Context, fn func(tx store.Tx) error) error
}

// Reset restores the state the first start left: every account, entity,
// resource and audit event is deleted, and the first account, its
// administrator and the administrator's access key (the one in the
// bootstrap credentials) are recreated with the same IDs and secret.
func (a *App) Reset(ctx context.Context) error {
	r, ok := a.raw.(resetter)
	if !ok {
		return errors.New("reset: this store cannot be reset")
	}
	if a.Bootstrap.AccessKeyID == "" {
		return fmt.Errorf("reset: the bootstrap administrator's access key is unknown (%s is missing); "+
			"start the server with CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID and CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY", a.Bootstrap.CredentialsFile)
	}
	var admin store.User
	var key store.AccessKey
	err := a.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		if key, err = tx.GetAccessKey(a.Bootstrap.AccessKeyID); err != nil {
			return err
		}
		admin, err = tx.GetUser(a.Bootstrap.AccountID, bootstrap.AdminUserName)
		return err
	})
	if err != nil {
		return fmt.Errorf("reset: reading the bootstrap administrator %s: %w", a.Bootstrap.UserARN, err)
	}
	err = r.Reset(ctx, func(tx store.Tx) error { return bootstrap.Restore(tx, a.Bootstrap, admin, key) })
	a.watched.Invalidate()
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	a.log.Info("store reset to the bootstrapped state", "account", a.Bootstrap.AccountID)
	return nil
}

// resetHandler serves POST ResetPath: a SigV4-signed request with the
// bootstrap administrator's access key resets the store when allowed.
func (a *App) resetHandler(v *sigv4.Verifier, allowed bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply := func(status int, code, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			body := map[string]string{"message": msg}
			if code != "" {
				body["__type"] = code
			}
			_ = json.NewEncoder(w).Encode(body)
		}
		if !allowed {
			reply(http.StatusForbidden, "ResetDisabled", "connect-iam: the reset endpoint is disabled; start \"connect-iam serve\" with --allow-reset (or CONNECT_IAM_ALLOW_RESET=true) to enable it")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			reply(http.StatusBadRequest, "InvalidRequest", "connect-iam: reading the request body: "+err.Error())
			return
		}
		res, err := v.Verify(r, body)
		if err != nil {
			reply(http.StatusForbidden, "InvalidSignature", "connect-iam: the reset request must be SigV4-signed with the bootstrap administrator's key: "+err.Error())
			return
		}
		if res.AccessKeyID != a.Bootstrap.AccessKeyID {
			reply(http.StatusForbidden, "AccessDenied", fmt.Sprintf("connect-iam: only the bootstrap administrator %s (access key %s) may reset the server",
				a.Bootstrap.UserARN, a.Bootstrap.AccessKeyID))
			return
		}
		if err := a.Reset(r.Context()); err != nil {
			a.log.Error("reset failed", "err", err)
			reply(http.StatusInternalServerError, "InternalFailure", "connect-iam: "+err.Error())
			return
		}
		reply(http.StatusOK, "", "reset to the bootstrapped state of account "+a.Bootstrap.AccountID)
	})
}
