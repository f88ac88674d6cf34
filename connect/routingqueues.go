package connect

import (
	"context"
	"encoding/json"

	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["AssociateRoutingProfileQueues"] = (*handler).associateRoutingProfileQueues
	operations["DisassociateRoutingProfileQueues"] = (*handler).disassociateRoutingProfileQueues
	operations["ListRoutingProfileQueues"] = (*handler).listRoutingProfileQueues
}

// queueRef is a RoutingProfileQueueReference.
type queueRef struct {
	QueueID string `json:"QueueId"`
	Channel string `json:"Channel"`
}

// queueConfig is a RoutingProfileQueueConfig.
type queueConfig struct {
	QueueReference queueRef `json:"QueueReference"`
	Priority       int32    `json:"Priority"`
	Delay          int32    `json:"Delay"`
}

var routingSpec = specByKind(kRoutingProfile)

// specByKind returns the spec of kind k.
func specByKind(k *kind) *spec {
	for _, s := range specs {
		if s.k == k {
			return s
		}
	}
	panic("connect: no spec for " + k.typ)
}

// checkQueueRef validates a queue reference.
func checkQueueRef(r queueRef) error {
	if r.QueueID == "" {
		return invalidParameter("QueueReference.QueueId is required.")
	}
	switch r.Channel {
	case "VOICE", "CHAT", "TASK", "EMAIL":
		return nil
	}
	return invalidParameter("QueueReference.Channel %q is not valid; use VOICE, CHAT, TASK or EMAIL.", r.Channel)
}

// routingQueues reads the queue configurations of a routing profile.
func routingQueues(r store.Resource) (map[string]any, []queueConfig, error) {
	a := map[string]any{}
	if err := r.DecodeAttributes(&a); err != nil {
		return nil, nil, err
	}
	var qcs []queueConfig
	if raw, ok := a["QueueConfigs"]; ok && raw != nil {
		b, err := json.Marshal(raw)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(b, &qcs); err != nil {
			return nil, nil, err
		}
	}
	return a, qcs, nil
}

// saveRoutingQueues stores the queue configurations of a routing profile,
// failing with ErrConflict if it changed since r was read.
func (h *handler) saveRoutingQueues(ctx context.Context, c *call, r store.Resource, a map[string]any, qcs []queueConfig) error {
	a["QueueConfigs"] = qcs
	a["LastModifiedRegion"] = c.region
	raw, err := json.Marshal(a)
	if err != nil {
		return err
	}
	r.Attributes = raw
	r.Updated = h.Now().UTC()
	return h.Store.Update(ctx, func(tx store.Tx) error {
		_, err := tx.UpdateResource(r)
		return err
	})
}

func (h *handler) associateRoutingProfileQueues(ctx context.Context, c *call) (any, error) {
	var in struct {
		QueueConfigs []queueConfig
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if len(in.QueueConfigs) == 0 || len(in.QueueConfigs) > 10 {
		return nil, invalidParameter("QueueConfigs has %d entries; give 1 to 10.", len(in.QueueConfigs))
	}
	members := map[string]any{}
	var ids []any
	for _, q := range in.QueueConfigs {
		if err := checkQueueRef(q.QueueReference); err != nil {
			return nil, err
		}
		if q.Priority < 1 || q.Priority > 99 || q.Delay < 0 || q.Delay > 9999 {
			return nil, invalidParameter("Queue %s: Priority must be 1 to 99 and Delay 0 to 9999.", q.QueueReference.QueueID)
		}
		ids = append(ids, q.QueueReference.QueueID)
	}
	members["Queues"] = ids
	s := &spec{k: kRoutingProfile, refs: []refSpec{{"Queues[]", kQueue, true}}}
	instID, id := c.Labels["InstanceId"], c.Labels["RoutingProfileId"]
	inst, self, refs, authRefs, err := h.readTargets(ctx, c, s, instID, id, members)
	if err != nil {
		return nil, err
	}
	targets := []target{self.target()}
	for _, o := range authRefs {
		targets = append(targets, o.target())
	}
	if err := h.authorize(ctx, c, "connect:AssociateRoutingProfileQueues", instanceContext(instID), targets...); err != nil {
		return nil, err
	}
	if !inst.found {
		return nil, instanceMissing(instID)
	}
	if !self.found {
		return nil, childMissing(kRoutingProfile, id)
	}
	for _, o := range refs {
		if !o.found {
			return nil, childMissing(kQueue, o.ID)
		}
	}
	a, qcs, err := routingQueues(self.Resource)
	if err != nil {
		return nil, err
	}
	for _, q := range in.QueueConfigs {
		for _, old := range qcs {
			if old.QueueReference == q.QueueReference {
				return nil, invalidParameter("Queue %s is already associated with the routing profile on channel %s; disassociate it first.", q.QueueReference.QueueID, q.QueueReference.Channel)
			}
		}
		qcs = append(qcs, q)
	}
	return nil, h.saveRoutingQueues(ctx, c, self.Resource, a, qcs)
}

func (h *handler) disassociateRoutingProfileQueues(ctx context.Context, c *call) (any, error) {
	var in struct {
		QueueReferences []queueRef
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if len(in.QueueReferences) == 0 || len(in.QueueReferences) > 10 {
		return nil, invalidParameter("QueueReferences has %d entries; give 1 to 10.", len(in.QueueReferences))
	}
	for _, r := range in.QueueReferences {
		if err := checkQueueRef(r); err != nil {
			return nil, err
		}
	}
	self, err := h.readSelf(ctx, c, routingSpec, "connect:DisassociateRoutingProfileQueues")
	if err != nil {
		return nil, err
	}
	a, qcs, err := routingQueues(self.Resource)
	if err != nil {
		return nil, err
	}
	kept := qcs[:0]
	for _, q := range qcs {
		drop := false
		for _, r := range in.QueueReferences {
			drop = drop || q.QueueReference == r
		}
		if !drop {
			kept = append(kept, q)
		}
	}
	return nil, h.saveRoutingQueues(ctx, c, self.Resource, a, kept)
}

func (h *handler) listRoutingProfileQueues(ctx context.Context, c *call) (any, error) {
	opt, err := page(c, 100)
	if err != nil {
		return nil, err
	}
	self, err := h.readSelf(ctx, c, routingSpec, "connect:ListRoutingProfileQueues")
	if err != nil {
		return nil, err
	}
	_, qcs, err := routingQueues(self.Resource)
	if err != nil {
		return nil, err
	}
	start := 0
	if opt.Marker != "" {
		start = -1
		for i, q := range qcs {
			if q.QueueReference.QueueID+"/"+q.QueueReference.Channel == opt.Marker {
				start = i + 1
			}
		}
		if start < 0 {
			return nil, invalidParameter("nextToken %q is not a token this list returned; send the NextToken of the previous page.", opt.Marker)
		}
	}
	type queueSummary struct {
		QueueID   string `json:"QueueId"`
		QueueArn  string `json:"QueueArn"`
		QueueName string `json:"QueueName"`
		Priority  int32  `json:"Priority"`
		Delay     int32  `json:"Delay"`
		Channel   string `json:"Channel"`
	}
	out := struct {
		List      []queueSummary `json:"RoutingProfileQueueConfigSummaryList"`
		NextToken string         `json:"NextToken,omitempty"`
	}{List: []queueSummary{}}
	instARN := self.ARN[:len(self.ARN)-len("/"+kRoutingProfile.seg+"/"+self.ID)]
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		for i := start; i < len(qcs); i++ {
			if len(out.List) == opt.MaxItems {
				prev := out.List[len(out.List)-1]
				out.NextToken = prev.QueueID + "/" + prev.Channel
				return nil
			}
			q := qcs[i]
			name := ""
			if r, err := tx.GetResource(c.acct, Service, kQueue.typ, q.QueueReference.QueueID); err == nil {
				name = r.Name
			}
			out.List = append(out.List, queueSummary{q.QueueReference.QueueID, childARN(instARN, kQueue, q.QueueReference.QueueID), name, q.Priority, q.Delay, q.QueueReference.Channel})
		}
		return nil
	})
	return out, err
}
