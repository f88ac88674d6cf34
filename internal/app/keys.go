package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/internal/testidp"
	"github.com/connect-iam/connect-iam/store/sqlite"
)

// rotatingKeyFile is where "connect-iam keys rotate" writes the new key
// before the database is resealed under it.
const rotatingKeyFile = secretbox.KeyFile + ".new"

// openKey loads the data directory's master key and checks it against
// the key check value the database stores. A new key is created only for
// a database that holds no sealed secret and no check value; a missing or
// different key for a database that does is refused, naming the file and
// how to recover, instead of starting a server that fails every signed
// call.
func openKey(ctx context.Context, dir string, st keyStore) (*secretbox.Box, error) {
	keyPath := filepath.Join(dir, secretbox.KeyFile)
	dbPath := filepath.Join(dir, DatabaseFile)
	if p, ok := st.(interface{ URL() string }); ok {
		dbPath = "the database " + p.URL()
	}
	check, err := st.KeyCheck(ctx)
	if err != nil {
		return nil, err
	}
	sample, sealed, err := st.SealedSample(ctx)
	if err != nil {
		return nil, err
	}
	// wantID is the ID of the key the database was sealed with, if known.
	wantID := ""
	if check != nil {
		wantID, _ = secretbox.SealedKeyID(check)
	} else if sample != nil {
		wantID, _ = secretbox.SealedKeyID(sample)
	}
	box, err := secretbox.Load(keyPath)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist) && check == nil && sealed == 0:
		// A new (or never used) database: its first key.
		box, err = secretbox.Create(keyPath)
		if errors.Is(err, fs.ErrExist) {
			box, err = secretbox.Load(keyPath) // created by a process starting at the same time
		}
		if err != nil {
			return nil, fmt.Errorf("data directory %s: %w", dir, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("data directory %s: the master key %s is missing, but %s holds %d secrets sealed under master key ID %s; "+
			"restore %s from your backup of the data directory (the key whose ID is %s) and start again%s. "+
			"connect-iam does not create a new key over sealed data: without the key the secrets are lost, and the only way on is to move %s away and start with a new database",
			dir, keyPath, dbPath, sealed, wantID, secretbox.KeyFile, wantID, interruptedRotation(dir, check), DatabaseFile)
	default:
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	switch {
	case check != nil:
		if err := box.Verify(check); err != nil {
			return nil, fmt.Errorf("data directory %s: the master key %s (key ID %s) does not open the secrets sealed in %s (key ID %s): %w; "+
				"restore the %s this database was written with from your backup%s",
				dir, keyPath, box.KeyID(), dbPath, wantID, err, secretbox.KeyFile, interruptedRotation(dir, check))
		}
	case sealed > 0 && wantID != box.KeyID():
		return nil, fmt.Errorf("data directory %s: the master key %s (key ID %s) is not the key that sealed the %d secrets in %s (key ID %s); "+
			"restore the %s this database was written with from your backup", dir, keyPath, box.KeyID(), sealed, dbPath, wantID, secretbox.KeyFile)
	default:
		// A database written before it stored a check value, or a new one.
		if err := st.SetKeyCheck(ctx, box.CheckValue()); err != nil {
			return nil, err
		}
		// A database shared by several servers keeps the check value of
		// the first one that stored it: another node starting at the same
		// time with a different key must not go on with it.
		stored, err := st.KeyCheck(ctx)
		if err != nil {
			return nil, err
		}
		if stored != nil && box.Verify(stored) != nil {
			id, _ := secretbox.SealedKeyID(stored)
			return nil, fmt.Errorf("data directory %s: %s was initialised by another server with master key ID %s, not this directory's %s (key ID %s); "+
				"copy that server's %s here (every node of one database shares one master key) and start again",
				dir, dbPath, id, keyPath, box.KeyID(), secretbox.KeyFile)
		}
	}
	return box, nil
}

// keyStore is a store that keeps the master key's check value and can
// show a sealed secret: both backends.
type keyStore interface {
	KeyCheck(ctx context.Context) ([]byte, error)
	SealedSample(ctx context.Context) (sample []byte, count int, err error)
	SetKeyCheck(ctx context.Context, v []byte) error
}

// interruptedRotation returns advice when DIR/master.key.new holds the key
// that opens check: "connect-iam keys rotate" resealed the database and
// stopped before moving the new key into place.
func interruptedRotation(dir string, check []byte) string {
	if check == nil {
		return ""
	}
	p := filepath.Join(dir, rotatingKeyFile)
	b, err := secretbox.Load(p)
	if err != nil || b.Verify(check) != nil {
		return ""
	}
	return fmt.Sprintf(" (an interrupted \"connect-iam keys rotate\" left the right key in %s: move it to %s)", p, filepath.Join(dir, secretbox.KeyFile))
}

// Rotation is the outcome of RotateKey.
type Rotation struct {
	OldKeyID, NewKeyID string
	Resealed           int    // secrets resealed under the new key
	OldKeyFile         string // where the old key was kept
}

// RotateKey replaces the data directory's master key with a new random
// one and reseals every secret under it in one database transaction. The
// server must be stopped meanwhile: a running server keeps sealing with
// the key it loaded. The new key is written to master.key.new first; the
// database is resealed (all or nothing); then the old key is kept as
// master.key.old-KEYID and the new one moved to master.key. If it stops
// half way, start refuses with advice naming the file that holds the
// right key.
func RotateKey(ctx context.Context, dir string) (*Rotation, error) {
	if dir == "" {
		dir = DefaultDataDir
	}
	if _, err := os.Stat(filepath.Join(dir, DatabaseFile)); err != nil {
		return nil, fmt.Errorf("no connect-iam data in %s: %w; pass the --data directory of the server", dir, err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, DatabaseFile))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	old, err := openKey(ctx, dir, st)
	if err != nil {
		return nil, err
	}
	newPath := filepath.Join(dir, rotatingKeyFile)
	// The database opens with the current key, so a leftover new key from
	// an earlier, failed rotation sealed nothing: replace it.
	if err := os.Remove(newPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("rotate master key: remove the leftover %s: %w", newPath, err)
	}
	nb, err := secretbox.Create(newPath)
	if err != nil {
		return nil, fmt.Errorf("rotate master key: %w", err)
	}
	n, err := st.Reseal(ctx, nb.CheckValue(), func(id string, sealed []byte) ([]byte, error) {
		pt, err := old.Open(sealed, []byte(id))
		if err != nil {
			return nil, err
		}
		return nb.Seal(pt, []byte(id)), nil
	})
	if err != nil {
		os.Remove(newPath)
		return nil, fmt.Errorf("rotate master key: %w; nothing was changed, %s is still the key", err, secretbox.KeyFile)
	}
	// The test identity provider's key file is sealed with the master key
	// too. It holds a test key only: one that cannot be resealed is
	// removed, and a new one is made on first use.
	if err := testidp.Reseal(dir, old, nb); err != nil {
		os.Remove(filepath.Join(dir, testidp.KeyFile))
	}
	keyPath := filepath.Join(dir, secretbox.KeyFile)
	oldPath := filepath.Join(dir, secretbox.KeyFile+".old-"+old.KeyID())
	if err := os.Link(keyPath, oldPath); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("rotate master key: the database is resealed under %s, but keeping the old key as %s failed: %w; move %s to %s by hand",
			newPath, oldPath, err, newPath, keyPath)
	}
	if err := os.Rename(newPath, keyPath); err != nil {
		return nil, fmt.Errorf("rotate master key: the database is resealed under %s, but moving it into place failed: %w; move %s to %s by hand",
			newPath, err, newPath, keyPath)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the renames durable; best effort
		d.Close()
	}
	return &Rotation{OldKeyID: old.KeyID(), NewKeyID: nb.KeyID(), Resealed: n, OldKeyFile: oldPath}, nil
}
