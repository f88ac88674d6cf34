// Package app wires the connect-iam server together: the data directory
// (SQLite database, master key, bootstrap credentials), the SigV4
// verifier over the credential store, the authorizer, the audit log and
// the IAM, STS, Access Analyzer and Organizations handlers on one HTTP
// server. The
// "connect-iam serve" command and the end-to-end tests share it, so that
// the tests drive exactly what the command runs.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/connect-iam/connect-iam/accessanalyzer"
	"github.com/connect-iam/connect-iam/apiservice"
	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/connect"
	"github.com/connect-iam/connect-iam/connectapps"
	"github.com/connect-iam/connect-iam/console"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/audit"
	"github.com/connect-iam/connect-iam/internal/bootstrap"
	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/internal/testidp"
	"github.com/connect-iam/connect-iam/organizations"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/store"
	"github.com/connect-iam/connect-iam/store/postgres"
	"github.com/connect-iam/connect-iam/store/sqlite"
	"github.com/connect-iam/connect-iam/sts"
	"github.com/connect-iam/connect-iam/validate"
	"github.com/prometheus/client_golang/prometheus"
)

// DatabaseFile is the name of the SQLite database in the data directory.
const DatabaseFile = "connect-iam.db"

// DefaultDataDir is the data directory used when none is given.
const DefaultDataDir = "connect-iam-data"

// Config configures an [App].
type Config struct {
	// Addr is the address the server reports and ListenAndServe uses;
	// empty means server.DefaultAddr.
	Addr string
	// DataDir holds the database, the master key and the credentials
	// files; empty means DefaultDataDir. It is created with mode 0700.
	DataDir string
	// Logger receives the server's logs; nil means slog.Default().
	Logger *slog.Logger
	// Getenv reads the bootstrap settings (CONNECT_IAM_*); nil means
	// os.Getenv.
	Getenv func(string) string
	// Now is the clock of request verification, authorization, STS
	// session expiry and IAM timestamps; nil means time.Now. Tests
	// inject one to expire sessions.
	Now func() time.Time
	// Registry receives the metrics; nil means a new registry.
	Registry *prometheus.Registry
	// ShutdownTimeout bounds the wait for in-flight requests; zero means
	// the server's default (30 s).
	ShutdownTimeout time.Duration
	// FullCheck runs SQLite's full integrity_check on the database at
	// start instead of quick_check.
	FullCheck bool
	// Memory keeps the database and the master key in memory: nothing is
	// written to disk (DataDir is not used) and everything is gone when
	// the app closes. Without CONNECT_IAM_BOOTSTRAP_* keys, the generated
	// administrator key is returned by MemoryCredentials.
	Memory bool
	// AllowReset enables POST ResetPath for the bootstrap administrator.
	AllowReset bool
	// Database is the URL of a PostgreSQL database (postgres://...) to
	// use instead of the SQLite database in DataDir, which still holds
	// the master key and the credentials file. Several servers may share
	// one database; they must share the master key (docs/postgres.md).
	Database string
	// Enforcement chooses whether denials fail calls (the default), or
	// are only audited (log, off), per account or principal.
	Enforcement *authz.EnforcementRules
}

// App is a configured server with its store, ready to serve.
type App struct {
	// Server is the HTTP server with every handler registered.
	Server *server.Server
	// Store is the open database; Close closes it.
	Store store.Store
	// Box seals secrets with the data directory's master key.
	Box *secretbox.Box
	// Bootstrap describes the first account's administrator.
	Bootstrap bootstrap.Result
	// DataDir is the data directory in use.
	DataDir string
	// Served lists the model-driven services and their operations.
	Served []*apiservice.Served
	// TestIdP is the built-in test identity provider (OIDC issuer and
	// SAML IdP) the server serves under /_connect-iam/oidc and
	// /_connect-iam/saml.
	TestIdP *testidp.IdP

	authz   *authz.Engine
	audit   *audit.Log
	log     *slog.Logger
	raw     store.Store // the store under the watched one
	watched *authz.WatchedStore
	secret  string // the generated administrator secret of a Memory app

	streamsDone chan struct{} // closed to end the audit streams
	stopStreams func()
}

// MemoryCredentials returns the administrator's credentials in AWS
// shared-credentials format when the app runs in memory with a generated
// key, and "" otherwise (the key is then in the credentials file, or was
// given by the caller).
func (a *App) MemoryCredentials() string {
	if a.secret == "" {
		return ""
	}
	return bootstrap.CredentialsText(a.Bootstrap, a.secret)
}

// openMemory opens an in-memory store and a random master key.
func openMemory(ctx context.Context) (store.Store, *secretbox.Box, error) {
	key := make([]byte, secretbox.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, fmt.Errorf("generating a master key: %w", err)
	}
	box, err := secretbox.New(key)
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		return nil, nil, err
	}
	return st, box, nil
}

// recorderKey carries the request's *authz.Recorder for the audit log.
type recorderKey struct{}

// OpenData opens (creating if needed) the data directory's master key and
// database, for the server and for the commands that work on the data
// directory directly. The caller closes the store.
func OpenData(ctx context.Context, dir string) (store.Store, *secretbox.Box, error) {
	return openData(ctx, dir, sqlite.Options{})
}

func openData(ctx context.Context, dir string, opt sqlite.Options) (store.Store, *secretbox.Box, error) {
	if dir == "" {
		dir = DefaultDataDir
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, nil, fmt.Errorf("data directory %s is a file; pass a directory with --data", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	st, err := sqlite.OpenOptions(ctx, filepath.Join(dir, DatabaseFile), opt)
	if err != nil {
		return nil, nil, err
	}
	box, err := openKey(ctx, dir, st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, box, nil
}

// OpenPostgres opens the PostgreSQL database at databaseURL (creating its
// schema if needed) and the master key of the data directory dir, which is
// created on the first start of the first server if the database holds no
// secrets yet. The caller closes the store.
func OpenPostgres(ctx context.Context, dir, databaseURL string) (store.Store, *secretbox.Box, error) {
	if !postgres.IsURL(databaseURL) {
		return nil, nil, fmt.Errorf("database %q is not a postgres:// URL; pass --database postgres://USER:PASSWORD@HOST:PORT/DATABASE, or leave it out for the SQLite database in the data directory", postgres.Redact(databaseURL))
	}
	if dir == "" {
		dir = DefaultDataDir
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	st, err := postgres.Open(ctx, databaseURL)
	if err != nil {
		return nil, nil, err
	}
	box, err := openKey(ctx, dir, st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, box, nil
}

// OpenServerData opens a server's data for the commands that work on it
// (audit, accounts): the PostgreSQL database at databaseURL with the
// master key in dir when databaseURL is not empty, else OpenExisting(dir).
func OpenServerData(ctx context.Context, dir, databaseURL string) (store.Store, *secretbox.Box, error) {
	if databaseURL != "" {
		return OpenPostgres(ctx, dir, databaseURL)
	}
	return OpenExisting(ctx, dir)
}

// OpenExisting is OpenData for commands that work on a server's data
// (audit, accounts): it fails, instead of creating anything, when dir
// holds no database.
func OpenExisting(ctx context.Context, dir string) (store.Store, *secretbox.Box, error) {
	if dir == "" {
		dir = DefaultDataDir
	}
	if _, err := os.Stat(filepath.Join(dir, DatabaseFile)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("no connect-iam data in %s (%s is missing); pass the --data directory of the server, "+
				"or start \"connect-iam serve --data %s\" once to create it", dir, DatabaseFile, dir)
		}
		return nil, nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	return OpenData(ctx, dir)
}

// New opens the data directory, bootstraps it on first start and builds
// the server. On success the caller must call Close (Run does).
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	open := func(ctx context.Context, dir string) (store.Store, *secretbox.Box, error) {
		return openData(ctx, dir, sqlite.Options{FullCheck: cfg.FullCheck})
	}
	if cfg.Database != "" {
		if cfg.Memory {
			return nil, errors.New("--memory and --database exclude each other: choose the in-memory store or a PostgreSQL database")
		}
		open = func(ctx context.Context, dir string) (store.Store, *secretbox.Box, error) {
			return OpenPostgres(ctx, dir, cfg.Database)
		}
	}
	if cfg.Memory {
		open = func(ctx context.Context, _ string) (store.Store, *secretbox.Box, error) { return openMemory(ctx) }
	}
	st, box, err := open(ctx, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	bopts := bootstrap.FromEnv(cfg.DataDir, cfg.Getenv)
	bopts.Now = cfg.Now
	var secret string
	if cfg.Memory {
		bopts.NoFile = true
		if bopts.AccessKeyID == "" && bopts.SecretAccessKey == "" {
			bopts.AccessKeyID, bopts.SecretAccessKey = store.NewID("AKIA", 20), bootstrap.NewSecretAccessKey()
			secret = bopts.SecretAccessKey
		}
	}
	boot, err := bootstrap.Bootstrap(ctx, st, box, bopts)
	if err != nil {
		st.Close()
		return nil, err
	}
	// Every writer of the process goes through the watched store, so that
	// the authorizer's and the credential lookup's caches are invalidated
	// by each committed change to what authorization depends on.
	ws := authz.Watch(st)
	a := &App{Store: ws, Box: box, Bootstrap: boot, DataDir: cfg.DataDir, log: logger, raw: st, watched: ws, secret: secret}
	if cfg.Memory {
		a.DataDir = ""
	}
	a.audit = audit.New(audit.Options{
		Store:  ws,
		Logger: logger,
		Begin: func(ctx context.Context) context.Context {
			ctx, rec := authz.WithRecorder(ctx)
			return context.WithValue(ctx, recorderKey{}, rec)
		},
		Records: func(ctx context.Context) []authz.Record {
			if rec, ok := ctx.Value(recorderKey{}).(*authz.Recorder); ok {
				return rec.All()
			}
			return nil
		},
	})
	creds := authz.NewCredentialStore(ws, box, cfg.Now)
	verifier := &sigv4.Verifier{Store: creds, Now: cfg.Now}
	a.Server = server.New(server.Config{
		Addr:            cfg.Addr,
		Authenticator:   server.SigV4(verifier),
		Logger:          logger,
		Registry:        cfg.Registry,
		ShutdownTimeout: cfg.ShutdownTimeout,
		Auditor:         a.audit,
	})
	a.Server.Handle("POST "+ResetPath, a.resetHandler(verifier, cfg.AllowReset))
	a.TestIdP = testidp.New(a.DataDir, box, cfg.Now)
	a.TestIdP.Register(a.Server.Handle)
	a.streamsDone = make(chan struct{})
	a.stopStreams = sync.OnceFunc(func() { close(a.streamsDone) })
	a.Server.Handle("GET "+StreamPath, a.streamHandler(verifier))
	cat := catalog.Default()
	a.authz = authz.New(ws, authz.Options{
		Catalog:       cat,
		ManagedPolicy: iam.ManagedPolicy,
		Observe:       a.Server.ObserveDecision,
		Now:           cfg.Now,
		Organizations: organizations.Resolve,
		Enforcement:   cfg.Enforcement,
	})
	iam.Register(a.Server, iam.Deps{Store: ws, Box: box, Authorizer: a.authz, Catalog: cat, Now: cfg.Now,
		RoleInUse: connect.InstancesUsingRole})
	sts.Register(a.Server, sts.Deps{Store: ws, Box: box, Authorizer: a.authz, ManagedPolicy: iam.ManagedPolicy,
		Catalog: cat, Now: cfg.Now})
	accessanalyzer.Register(a.Server, accessanalyzer.Deps{Authorizer: a.authz, Catalog: validate.FromCatalog(cat)})
	organizations.Register(a.Server, organizations.Deps{Store: ws, Authorizer: a.authz, Now: cfg.Now})
	// The API models decode concurrently: most of the start-up time.
	apimodel.Preload("connect", "appintegrations", "qconnect", "wisdom", "connectcampaigns", "connectcampaignsv2", "customer-profiles", "organizations")
	a.Served = append([]*apiservice.Served{connect.Register(a.Server, connect.Deps{Store: ws, Authorizer: a.authz, Catalog: cat, Now: cfg.Now})},
		connectapps.Register(a.Server, connectapps.Deps{Store: ws, Authorizer: a.authz, Catalog: cat, Now: cfg.Now})...)
	// The web console signs its calls as the signed-in principal and
	// serves them with the API handler itself (docs/console.md).
	web := console.New(console.Deps{API: a.Server.Handler(), Store: ws, Box: box, Credentials: creds, Authorizer: a.authz,
		Catalog: cat, DefaultAccount: boot.AccountID, Now: cfg.Now, Logger: logger})
	a.Server.Handle(console.Path, web)
	a.Server.Handle("/console", web)
	return a, nil
}

// Run serves on l until ctx ends, shuts down gracefully (in-flight
// requests finish) and closes the app.
func (a *App) Run(ctx context.Context, l net.Listener) error {
	stop := context.AfterFunc(ctx, a.stopStreams) // streams never end by themselves
	defer stop()
	err := a.Server.Run(ctx, l)
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close flushes the audit log, stops the authorizer's background writes
// and closes the store. Call it after the server has stopped serving.
func (a *App) Close() error {
	a.stopStreams()
	a.audit.Close()
	a.authz.Close()
	if err := a.Store.Close(); err != nil {
		return fmt.Errorf("closing the store: %w", err)
	}
	a.log.Info("store closed", "data", a.DataDir)
	return nil
}
