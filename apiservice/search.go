package apiservice

import (
	"context"
	"strings"
)

// search is the filter of a Search operation: its SearchFilter's tag
// conditions (an Or of And lists) and its SearchCriteria.
type search struct {
	tags     [][]tagCondition // OR of ANDs; nil matches everything
	criteria map[string]any
}

type tagCondition struct{ key, value string }

// searchFilter reads the call's SearchFilter.TagFilter and SearchCriteria.
func (p *plan) searchFilter(c *call) search {
	var sf search
	if !strings.HasPrefix(p.op.Name, "Search") {
		return sf
	}
	if f, ok := lookup(c.in, "SearchFilter"); ok {
		if m, ok := f.(map[string]any); ok {
			if tf, ok := lookup(m, "TagFilter"); ok {
				sf.tags = tagFilter(tf)
			}
		}
	}
	if cr, ok := lookup(c.in, "SearchCriteria"); ok {
		sf.criteria, _ = cr.(map[string]any)
	}
	return sf
}

// tagFilter reads a ControlPlaneTagFilter: OrConditions (lists of
// conditions that must all hold), AndConditions, and TagCondition.
func tagFilter(v any) [][]tagCondition {
	m, _ := v.(map[string]any)
	var out [][]tagCondition
	cond := func(x any) (tagCondition, bool) {
		cm, ok := x.(map[string]any)
		if !ok {
			return tagCondition{}, false
		}
		k, _ := lookup(cm, "TagKey")
		val, _ := lookup(cm, "TagValue")
		ks, _ := k.(string)
		vs, _ := val.(string)
		return tagCondition{ks, vs}, ks != ""
	}
	if ors, ok := lookup(m, "OrConditions"); ok {
		for _, and := range asList(ors) {
			var group []tagCondition
			for _, x := range asList(and) {
				if tc, ok := cond(x); ok {
					group = append(group, tc)
				}
			}
			if len(group) > 0 {
				out = append(out, group)
			}
		}
	}
	if ands, ok := lookup(m, "AndConditions"); ok {
		var group []tagCondition
		for _, x := range asList(ands) {
			if tc, ok := cond(x); ok {
				group = append(group, tc)
			}
		}
		if len(group) > 0 {
			out = append(out, group)
		}
	}
	if tcv, ok := lookup(m, "TagCondition"); ok {
		if tc, ok := cond(tcv); ok {
			out = append(out, []tagCondition{tc})
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// match reports whether rec passes the tag filter and the criteria.
func (sf search) match(rec *record) bool {
	if len(sf.tags) > 0 {
		ok := false
		for _, group := range sf.tags {
			all := true
			for _, tc := range group {
				found := false
				for _, t := range rec.tags {
					if t.Key == tc.key && (tc.value == "" || t.Value == tc.value) {
						found = true
					}
				}
				all = all && found
			}
			ok = ok || all
		}
		if !ok {
			return false
		}
	}
	return criteriaMatch(sf.criteria, rec)
}

// criteriaMatch evaluates a search criteria tree: StringCondition on a
// field (name, description, resourceId or any attribute), combined with
// OrConditions and AndConditions. Conditions on other kinds of fields are
// not filtered on.
func criteriaMatch(cr map[string]any, rec *record) bool {
	if cr == nil {
		return true
	}
	if sc, ok := lookup(cr, "StringCondition"); ok {
		m, _ := sc.(map[string]any)
		field, _ := lookup(m, "FieldName")
		value, _ := lookup(m, "Value")
		cmp, _ := lookup(m, "ComparisonType")
		f, _ := field.(string)
		v, _ := value.(string)
		got := fieldValue(rec, f)
		switch cmp {
		case "STARTS_WITH":
			if !strings.HasPrefix(strings.ToLower(got), strings.ToLower(v)) {
				return false
			}
		case "CONTAINS":
			if !strings.Contains(strings.ToLower(got), strings.ToLower(v)) {
				return false
			}
		case "EXACT":
			if got != v {
				return false
			}
		}
	}
	if ands, ok := lookup(cr, "AndConditions"); ok {
		for _, x := range asList(ands) {
			if m, ok := x.(map[string]any); ok && !criteriaMatch(m, rec) {
				return false
			}
		}
	}
	if ors, ok := lookup(cr, "OrConditions"); ok && len(asList(ors)) > 0 {
		matched := false
		for _, x := range asList(ors) {
			if m, ok := x.(map[string]any); ok && criteriaMatch(m, rec) {
				matched = true
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

func fieldValue(rec *record, field string) string {
	switch strings.ToLower(field) {
	case "name":
		if rec.Name != "" {
			return rec.Name
		}
	case "resourceid":
		return rec.ID[strings.LastIndex(rec.ID, "/")+1:]
	}
	if v, ok := lookup(rec.attrs, field); ok {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return ""
}

// authorizeSearch authorizes a Search call whose filter names tags: with
// PREFIX:SearchTag/KEY holding the values the filter names, for the
// policies that restrict searches by tag.
func (p *plan) authorizeSearch(ctx context.Context, c *call, sf search) error {
	tags, err := p.requestTags(c.in)
	if err != nil {
		return err
	}
	kv := p.conditionKeys(c, tags)
	for _, group := range sf.tags {
		for _, tc := range group {
			k := p.e.svc.Prefix + ":SearchTag/" + tc.key
			kv[k] = append(kv[k], tc.value)
		}
	}
	return p.e.authorize(ctx, c, p.action, kv, p.targets(c, nil))
}
