package validate

import (
	"sort"
	"strings"
)

// Catalog is the service authorization knowledge the validator needs: for
// each service, its actions, resource types and condition keys. Package
// catalog provides one generated from the Service Authorization Reference;
// see the command connect-iam for how it is adapted.
type Catalog interface {
	// ServicePrefixes returns every service prefix, in lowercase.
	ServicePrefixes() []string
	// Service returns the service with the given lowercase prefix and
	// whether it exists.
	Service(prefix string) (Service, bool)
	// GlobalConditionKeys returns the global (aws:) condition keys. The
	// validator adds them to its own table of global keys.
	GlobalConditionKeys() []ConditionKey
	// ConditionKey finds a condition key by name, in any case: a global
	// key, a service key, or an instance of a template key (for
	// "aws:RequestTag/Owner", the key "aws:RequestTag/${TagKey}").
	ConditionKey(name string) (ConditionKey, bool)
}

// Service describes one AWS service.
type Service struct {
	Prefix        string
	Actions       []Action
	ResourceTypes []ResourceType
	ConditionKeys []ConditionKey
}

// Action describes one action of a service.
type Action struct {
	Name        string // as the service spells it, e.g. "DescribeUser"
	AccessLevel string // "List", "Read", "Write", "Permissions management" or "Tagging"
	// Resources are the resource types the action applies to; an action
	// with none applies only to "*".
	Resources []ActionResource
	// ConditionKeys are the keys the action supports beyond those of its
	// resource types.
	ConditionKeys []string
}

// ActionResource is a resource type an action applies to.
type ActionResource struct {
	Service  string // prefix of the service defining the type; "" for the action's own
	Type     string // a ResourceType name of that service
	Required bool
	// ConditionKeys apply when the action is performed on this type.
	ConditionKeys []string
}

// ResourceType describes a resource type and the format of its ARNs.
type ResourceType struct {
	Name string
	// ARN is the ARN format, with ${Partition}, ${Region}, ${Account} and
	// other placeholders, e.g.
	// "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}".
	ARN           string
	ConditionKeys []string
}

// ConditionKey describes a condition key. Name may be a template such as
// "aws:RequestTag/${TagKey}".
type ConditionKey struct {
	Name string
	// Type is the Service Authorization Reference type: String, ARN,
	// Numeric, Date, Bool, IPAddress, Binary, or ArrayOf followed by one of
	// them for multivalued keys.
	Type string
}

// index is a Catalog indexed for the checks: lowercase lookups, compiled
// ARN formats and condition key templates.
type index struct {
	cat      Catalog
	prefixes []string
	services map[string]*svcIndex
	// global condition keys, lowercase name → key.
	global map[string]*keyInfo
}

type svcIndex struct {
	prefix      string
	actions     map[string]*actionRef // lowercase name
	actionNames []string              // as spelled, sorted
	actionList  []*actionRef          // in actionNames order
	resources   map[string]*resInfo   // by name, as spelled
	resList     []*resInfo
	keys        map[string]*keyInfo // lowercase name, templates by their prefix
	keyNames    []string
	// hasRegion / hasAccount: whether some resource type's ARN format has a
	// region / account segment; noRegion / noAccount: whether some has none.
	hasRegion, noRegion, hasAccount, noAccount bool
}

// actionRef is an action resolved in the catalog.
type actionRef struct {
	svc   *svcIndex
	def   Action
	full  string // "service:Name"
	lfull string // lowercase full
	lname string // lowercase Name
	// keys are the lowercase condition keys the action supports, directly
	// or through its resource types (templates by their prefix, such as
	// "aws:resourcetag/").
	keys map[string]bool
	// res are the action's resource types, resolved; nil entries are
	// types the catalog does not define.
	res []*resInfo
}

type resInfo struct {
	def     ResourceType
	pattern arnPattern
}

type keyInfo struct {
	name     string // as spelled
	norm     string // lowercase, without a trailing template placeholder
	typ      string
	template bool // name ends with /${...}
	multi    bool
}

func newIndex(cat Catalog) *index {
	ix := &index{cat: cat, services: map[string]*svcIndex{}, global: map[string]*keyInfo{}}
	for _, g := range globalKeys {
		k := &keyInfo{name: g.name, norm: strings.ToLower(g.name), typ: g.typ, template: strings.HasSuffix(g.name, "/"), multi: strings.HasPrefix(g.typ, "ArrayOf")}
		ix.global[strings.ToLower(g.name)] = k
	}
	for _, g := range cat.GlobalConditionKeys() {
		name, tmpl := keyTemplate(g.Name)
		if _, ok := ix.global[strings.ToLower(name)]; !ok {
			ix.global[strings.ToLower(name)] = &keyInfo{name: name, norm: strings.ToLower(name), typ: g.Type, template: tmpl, multi: strings.HasPrefix(g.Type, "ArrayOf")}
		}
	}
	for _, p := range cat.ServicePrefixes() {
		svc, ok := cat.Service(p)
		if !ok {
			continue
		}
		si := &svcIndex{prefix: strings.ToLower(p), actions: map[string]*actionRef{}, resources: map[string]*resInfo{}, keys: map[string]*keyInfo{}}
		ix.services[si.prefix] = si
		ix.prefixes = append(ix.prefixes, si.prefix)
		for _, rt := range svc.ResourceTypes {
			ri := &resInfo{def: rt, pattern: compileARNFormat(rt.ARN)}
			si.resources[rt.Name] = ri
			si.resList = append(si.resList, ri)
			if ri.pattern.ok && ri.pattern.service == si.prefix {
				if ri.pattern.region {
					si.hasRegion = true
				} else {
					si.noRegion = true
				}
				if ri.pattern.account {
					si.hasAccount = true
				} else {
					si.noAccount = true
				}
			}
		}
		for _, k := range svc.ConditionKeys {
			name, tmpl := keyTemplate(k.Name)
			ki := &keyInfo{name: k.Name, norm: strings.ToLower(name), typ: k.Type, template: tmpl, multi: strings.HasPrefix(k.Type, "ArrayOf")}
			if strings.HasPrefix(strings.ToLower(name), si.prefix+":") {
				si.keys[strings.ToLower(name)] = ki
				si.keyNames = append(si.keyNames, k.Name)
			} else if strings.HasPrefix(strings.ToLower(name), "aws:") {
				if _, ok := ix.global[strings.ToLower(name)]; !ok {
					ix.global[strings.ToLower(name)] = ki
				}
			}
		}
		for _, a := range svc.Actions {
			ar := &actionRef{svc: si, def: a, full: si.prefix + ":" + a.Name, keys: map[string]bool{}}
			ar.lfull, ar.lname = strings.ToLower(ar.full), strings.ToLower(a.Name)
			for _, k := range a.ConditionKeys {
				n, _ := keyTemplate(k)
				ar.keys[strings.ToLower(n)] = true
			}
			si.actions[strings.ToLower(a.Name)] = ar
			si.actionNames = append(si.actionNames, a.Name)
		}
		sort.Strings(si.actionNames)
		for _, n := range si.actionNames {
			si.actionList = append(si.actionList, si.actions[strings.ToLower(n)])
		}
	}
	// Resource-type condition keys: resolved once every service is known,
	// since an action may use another service's resource type.
	for _, si := range ix.services {
		for _, ar := range si.actions {
			for _, r := range ar.def.Resources {
				owner := si
				if r.Service != "" && r.Service != si.prefix {
					owner = ix.services[strings.ToLower(r.Service)]
				}
				var ri *resInfo
				if owner != nil {
					ri = owner.resources[r.Type]
				}
				ar.res = append(ar.res, ri)
				keys := r.ConditionKeys
				if ri != nil {
					keys = append(keys[:len(keys):len(keys)], ri.def.ConditionKeys...)
				}
				for _, k := range keys {
					n, _ := keyTemplate(k)
					ar.keys[strings.ToLower(n)] = true
				}
			}
		}
	}
	sort.Strings(ix.prefixes)
	return ix
}

// keyTemplate strips a trailing "${...}" placeholder from a condition key
// name: "aws:RequestTag/${TagKey}" becomes "aws:RequestTag/" (template).
func keyTemplate(name string) (string, bool) {
	if i := strings.Index(name, "${"); i > 0 && strings.HasSuffix(name, "}") {
		return name[:i], true
	}
	return name, false
}

// service returns the service with a prefix, in any case.
func (ix *index) service(prefix string) *svcIndex { return ix.services[strings.ToLower(prefix)] }

// lookupKey finds a condition key (global or of its service) in any case,
// resolving templates: "aws:ResourceTag/Dept" finds "aws:ResourceTag/".
// svcKnown reports whether the key's prefix names a known service (or aws).
func (ix *index) lookupKey(name string) (k *keyInfo, svcKnown bool) {
	lname := strings.ToLower(name)
	prefix, _, _ := strings.Cut(lname, ":")
	if ck, ok := ix.cat.ConditionKey(name); ok {
		n, tmpl := keyTemplate(ck.Name)
		return &keyInfo{name: ck.Name, norm: strings.ToLower(n), typ: ck.Type, template: tmpl, multi: strings.HasPrefix(ck.Type, "ArrayOf")}, true
	}
	var table map[string]*keyInfo
	if prefix == "aws" {
		table = ix.global
	} else if si := ix.services[prefix]; si != nil {
		table = si.keys
	} else {
		return nil, false
	}
	if k := table[lname]; k != nil {
		return k, true
	}
	if i := strings.IndexByte(lname, '/'); i > 0 {
		if k := table[lname[:i+1]]; k != nil && k.template {
			return k, true
		}
		// Keys documented with a placeholder of another spelling, such as
		// s3:ExistingObjectTag/<key> or secretsmanager:ResourceTag/tag-key.
		for n, k := range table {
			if strings.HasPrefix(n, lname[:i+1]) {
				return k, true
			}
		}
	}
	return nil, true
}

// keyNames returns the names to suggest from for a key's prefix.
func (ix *index) keyNames(prefix string) []string {
	prefix = strings.ToLower(prefix)
	if prefix == "aws" {
		names := make([]string, 0, len(ix.global))
		for _, k := range ix.global {
			names = append(names, k.name)
		}
		sort.Strings(names)
		return names
	}
	if si := ix.services[prefix]; si != nil {
		return si.keyNames
	}
	return nil
}
