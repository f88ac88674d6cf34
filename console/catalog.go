package console

import (
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/server/sigv4"
	"github.com/connect-iam/connect-iam/simulate"
)

// maxSuggestions bounds an action autocomplete answer.
const maxSuggestions = 50

// actionSummary is an action in an autocomplete list.
type actionSummary struct {
	Name        string `json:"name"` // "connect:DescribeUser"
	AccessLevel string `json:"accessLevel"`
	Description string `json:"description,omitempty"`
}

// catalogActions serves GET /console/api/catalog/actions?q=PREFIX: the
// catalog's actions whose "service:Action" name starts with q (case
// insensitive), or whose action part does when q has no colon.
func (c *Console) catalogActions(w http.ResponseWriter, r *http.Request, _ sessionState, _ sigv4.Credentials) {
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	out := []actionSummary{}
	if q == "" {
		writeJSON(w, http.StatusOK, out)
		return
	}
	svcPrefix, actPrefix, hasColon := strings.Cut(q, ":")
	add := func(s *catalog.Service) bool {
		for _, a := range s.Actions {
			if !strings.HasPrefix(strings.ToLower(a.Name), actPrefix) {
				continue
			}
			out = append(out, actionSummary{Name: s.Prefix + ":" + a.Name, AccessLevel: string(a.AccessLevel), Description: a.Description})
			if len(out) >= maxSuggestions {
				return false
			}
		}
		return true
	}
	if hasColon {
		if s, ok := c.d.Catalog.Service(svcPrefix); ok {
			add(s)
		}
	} else {
		// A service prefix being typed: list the services' first actions.
		for _, p := range c.d.Catalog.Prefixes() {
			if strings.HasPrefix(p, svcPrefix) {
				if s, ok := c.d.Catalog.Service(p); ok {
					actPrefix = ""
					if !add(s) {
						break
					}
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// resourceInfo is a resource type an action takes.
type resourceInfo struct {
	Type          string   `json:"type"`
	ARN           string   `json:"arn"`
	Required      bool     `json:"required"`
	ConditionKeys []string `json:"conditionKeys"`
}

// keyInfo is a condition key.
type keyInfo struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// actionInfo is the answer of GET /console/api/catalog/action.
type actionInfo struct {
	Name          string         `json:"name"`
	Description   string         `json:"description"`
	AccessLevel   string         `json:"accessLevel"`
	Resources     []resourceInfo `json:"resources"`
	ConditionKeys []keyInfo      `json:"conditionKeys"`
}

// catalogAction serves GET /console/api/catalog/action?name=svc:Action:
// the action's resource types with their ARN formats, and the condition
// keys that apply to it (action-level, resource-level and the global keys
// the service supports), for the simulator's resource and context forms.
func (c *Console) catalogAction(w http.ResponseWriter, r *http.Request, _ sessionState, _ sigv4.Credentials) {
	name := r.URL.Query().Get("name")
	a, ok := c.d.Catalog.Action(name)
	if !ok {
		writeError(w, http.StatusNotFound, "NoSuchAction", "The service authorization catalog has no action "+name+".")
		return
	}
	info := actionInfo{Name: a.Service.Prefix + ":" + a.Name, Description: a.Description, AccessLevel: string(a.AccessLevel),
		Resources: []resourceInfo{}, ConditionKeys: []keyInfo{}}
	seen := map[string]bool{}
	addKey := func(k *catalog.ConditionKey) {
		if seen[strings.ToLower(k.Name)] {
			return
		}
		seen[strings.ToLower(k.Name)] = true
		info.ConditionKeys = append(info.ConditionKeys, keyInfo{Name: k.Name, Type: k.Type.String(), Description: k.Description})
	}
	for _, k := range a.ConditionKeys {
		addKey(k)
	}
	for _, res := range a.Resources {
		ri := resourceInfo{Type: res.Type.Name, ARN: res.Type.ARN, Required: res.Required, ConditionKeys: []string{}}
		for _, k := range slices.Concat(res.ConditionKeys, res.Type.ConditionKeys) {
			ri.ConditionKeys = append(ri.ConditionKeys, k.Name)
			addKey(k)
		}
		info.Resources = append(info.Resources, ri)
	}
	for _, k := range catalog.GlobalConditionKeys() {
		if strings.HasPrefix(k.Name, "aws:") && !strings.Contains(k.Name, "${") {
			addKey(k)
		}
	}
	writeJSON(w, http.StatusOK, info)
}

// explain serves POST /console/api/explain: the offline evaluation of a
// "connect-iam simulate" input document (the policies travel in the
// document; nothing is read from the store), for the simulator's tree.
func (c *Console) explain(w http.ResponseWriter, r *http.Request, _ sessionState, _ sigv4.Credentials) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "ValidationException", "The simulation document is larger than 1 MiB.")
		return
	}
	res, err := simulate.Evaluate(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidInput", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}
