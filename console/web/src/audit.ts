import { audit, explain } from "./api";
import { h, clear, errorBox, field } from "./dom";
import { principalPolicies, renderTree } from "./simulator";

/** POLL is how often the page looks for new events. */
const POLL = 2000;

function isDenied(e: any): boolean {
  return e.decision === "ImplicitDeny" || e.decision === "ExplicitDeny";
}

/** explainEvent re-evaluates a denied call with the caller's policies (read
 * with the IAM API as the signed-in principal) to show why it was denied. */
async function explainEvent(e: any, box: HTMLElement): Promise<void> {
  const service = String(e.eventSource).replace(/\.amazonaws\.com$/, "");
  const action = `${service}:${e.eventName}`;
  const resource = /on resource: (\S+?)( because|$)/.exec(e.errorMessage ?? "")?.[1] ?? "*";
  let arn = e.principalArn ?? "";
  const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  if (assumed) arn = `arn:aws:iam::${assumed[1]}:role/${assumed[2]}`;
  box.append(h("p", {}, `Evaluating ${action} on ${resource} for ${arn} with its current policies:`));
  try {
    const pp = await principalPolicies(arn);
    const input: any = { principal: { arn: e.principalArn }, action, resource, identityPolicies: pp.identity.map((p) => p.doc) };
    if (pp.boundary) input.permissionsBoundary = pp.boundary.doc;
    const x = await explain(input);
    box.append(h("p", { class: "message" }, x.message), renderTree(x, pp.identity.map((p) => p.name), []));
  } catch (err) {
    box.append(h("div", { class: "warning" }, "The explanation tree needs read access to the caller's policies: "), errorBox(err));
  }
}

export function auditPage(root: HTMLElement): () => void {
  const inputs = {
    principal: h("input", { id: "audit-principal", placeholder: "principal ARN", size: 40 }),
    service: h("input", { id: "audit-service", placeholder: "iam, connect, …", size: 12 }),
    event: h("input", { id: "audit-event", placeholder: "event name, e.g. CreateUser", size: 20 }),
    decision: h("select", { id: "audit-decision" }, ...["", "denied", "Allow", "ImplicitDeny", "ExplicitDeny"].map((d) => h("option", { value: d }, d || "any decision"))),
    since: h("input", { id: "audit-since", type: "datetime-local" }),
    until: h("input", { id: "audit-until", type: "datetime-local" }),
  };
  const status = h("div", { class: "status", id: "audit-status" });
  const body = h("tbody", {});
  const detail = h("div", { class: "detail", id: "audit-detail" });
  const events = new Map<string, any>();
  let selected = "";

  const filters = () => {
    const iso = (v: string) => (v ? new Date(v).toISOString().replace(/\.\d+Z$/, "Z") : "");
    return { principal: inputs.principal.value.trim(), service: inputs.service.value.trim(), event: inputs.event.value.trim(), decision: inputs.decision.value, since: iso(inputs.since.value), until: iso(inputs.until.value) };
  };
  const openEvent = (e: any) => {
    selected = e.eventId;
    clear(detail, h("h3", {}, `${e.eventName} — ${e.decision || e.errorCode || "ok"}`),
      h("table", { class: "kv" }, ...[["Time", e.eventTime], ["Source", e.eventSource], ["Principal", e.principalArn], ["Source IP", e.sourceIPAddress], ["User agent", e.userAgent],
        ["Error", e.errorCode ? `${e.errorCode}: ${e.errorMessage}` : ""], ["Decision", e.decision]].filter(([, v]) => v).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))),
      h("h5", {}, "Request parameters"), h("pre", { class: "doc" }, JSON.stringify(e.requestParameters ?? {}, null, 2)));
    if (isDenied(e)) {
      const box = h("div", { id: "audit-explanation" }, h("h4", {}, "Why it was denied"));
      detail.append(box);
      void explainEvent(e, box);
    }
  };
  const render = () => {
    const rows = [...events.values()].sort((a, b) => b.seq - a.seq);
    clear(body, ...rows.map((e) =>
      h("tr", { class: (isDenied(e) ? "denied " : "") + (e.eventId === selected ? "selected" : ""), "data-event": e.eventName, onclick: () => { openEvent(e); render(); } },
        h("td", {}, e.eventTime.replace("T", " ").replace(/\.\d+Z$/, "Z")), h("td", {}, e.eventSource.replace(".amazonaws.com", "")), h("td", {}, e.eventName),
        h("td", {}, e.principalArn ?? ""), h("td", {}, e.decision ?? ""), h("td", {}, e.errorCode ?? ""))));
  };
  let reset = true;
  const poll = async () => {
    try {
      const r = await audit(filters());
      if (reset) events.clear();
      reset = false;
      for (const e of r.events) events.set(e.eventId, e);
      clear(status, `${events.size} event(s), newest first; updated ${new Date().toLocaleTimeString()}`);
      render();
    } catch (e) {
      clear(status, errorBox(e));
    }
  };
  for (const i of Object.values(inputs)) i.addEventListener("change", () => { reset = true; void poll(); });
  clear(
    root,
    h("h2", {}, "Audit log"),
    h("p", { class: "hint" }, "Read as cloudtrail:LookupEvents; new events appear every 2 seconds. Click a denial to see why."),
    h("div", { class: "filters" }, field("Principal", inputs.principal), field("Service", inputs.service), field("Event", inputs.event), field("Decision", inputs.decision), field("Since", inputs.since), field("Until", inputs.until)),
    status,
    h("div", { class: "split" },
      h("table", { class: "grid", id: "audit-table" }, h("thead", {}, h("tr", {}, ...["Time", "Service", "Event", "Principal", "Decision", "Error"].map((c) => h("th", {}, c)))), body),
      detail),
  );
  void poll();
  const t = window.setInterval(poll, POLL);
  return () => clearInterval(t);
}
