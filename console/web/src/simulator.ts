import { query, list, explain, catalogActions, catalogAction, current, ActionInfo } from "./api";
import { h, clear, errorBox, field } from "./dom";

interface NamedPolicy {
  name: string;
  doc: string;
}

/** The principal's identity policies and boundary, read with the IAM API
 * as the signed-in principal (so the tree shows only what it may read). */
export async function principalPolicies(arn: string): Promise<{ identity: NamedPolicy[]; boundary?: NamedPolicy }> {
  const m = /^arn:aws:iam::\d{12}:(user|role|group)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) throw new Error("PolicySourceArn must be a user, group or role ARN");
  const [, kind, name] = m;
  const K = kind[0].toUpperCase() + kind.slice(1);
  const identity: NamedPolicy[] = [];
  const owners: [string, string][] = [[K, name]];
  if (kind === "user") {
    for (const g of list((await query("iam", "ListGroupsForUser", { UserName: name })).Groups)) owners.push(["Group", g.GroupName]);
  }
  for (const [k, n] of owners) {
    const p = { [k + "Name"]: n };
    for (const pn of list((await query("iam", `List${k}Policies`, p)).PolicyNames)) {
      const r = await query("iam", `Get${k}Policy`, { ...p, PolicyName: pn });
      identity.push({ name: `${k.toLowerCase()} ${n} inline ${pn}`, doc: decodeURIComponent(r.PolicyDocument) });
    }
    for (const ap of list((await query("iam", `ListAttached${k}Policies`, p)).AttachedPolicies)) {
      identity.push({ name: ap.PolicyArn, doc: await managedDoc(ap.PolicyArn) });
    }
  }
  let boundary: NamedPolicy | undefined;
  if (kind !== "group") {
    const e = await query("iam", `Get${K}`, { [K + "Name"]: name });
    const b = e[K]?.PermissionsBoundary?.PermissionsBoundaryArn;
    if (b) boundary = { name: b, doc: await managedDoc(b) };
  }
  return { identity, boundary };
}

async function managedDoc(arn: string): Promise<string> {
  const p = await query("iam", "GetPolicy", { PolicyArn: arn });
  const v = await query("iam", "GetPolicyVersion", { PolicyArn: arn, VersionId: p.Policy.DefaultVersionId });
  return decodeURIComponent(v.PolicyVersion.Document);
}

const decisionLabel: Record<string, string> = { allowed: "Allow", implicitDeny: "Implicit deny", explicitDeny: "Explicit deny" };

export function renderTree(x: any, names: string[], matched: { line: number; col: number; policy: string }[]): HTMLElement {
  const decided = x.explain?.decidedBy;
  const tree = h("ul", { class: "tree", id: "explanation" });
  for (const p of x.explain?.policies ?? []) {
    const label = p.policyType === "identity-based" && names[p.policyIndex] ? names[p.policyIndex] : `${p.policyType} policy ${p.policyIndex + 1}`;
    const stmts = h("ul", {});
    for (const s of p.statements ?? []) {
      const isDeciding = decided && decided.policyType === p.policyType && decided.policyIndex === p.policyIndex && decided.statement === s.statement;
      const isMatched = matched.some((m) => m.line === s.line && m.col === s.column);
      const conds = (s.conditions ?? []).map((c: any) =>
        h(
          "li",
          { class: c.matched ? "match" : "nomatch" },
          h("code", {}, `${c.operator} ${c.key}`),
          h("table", { class: "values" }, h("tr", {}, h("th", {}, "policy"), h("td", {}, (c.policyValues ?? []).join(", "))),
            h("tr", {}, h("th", {}, "request"), h("td", {}, c.keyPresent ? (c.requestValues ?? []).join(", ") : "(key absent)"))),
          h("span", { class: "reason" }, c.reason),
        ),
      );
      stmts.append(
        h(
          "li",
          { class: "statement" + (s.applies ? " applies" : "") + (isDeciding ? " deciding" : ""), "data-deciding": isDeciding ? "true" : "false" },
          h("div", { class: "head" }, h("strong", {}, `${s.effect} ${s.sid ? `"${s.sid}"` : `statement ${s.statement + 1}`}`), ` line ${s.line}:${s.column}`,
            isDeciding ? h("span", { class: "badge" }, "deciding statement") : null,
            isMatched ? h("span", { class: "badge api" }, "matched (IAM API)") : null),
          h("ul", {},
            h("li", { class: s.action.matched ? "match" : "nomatch" }, "Action: ", s.action.reason),
            h("li", { class: s.resource.matched ? "match" : "nomatch" }, "Resource: ", s.resource.reason),
            s.principal ? h("li", { class: s.principal.matched ? "match" : "nomatch" }, "Principal: ", s.principal.reason) : null,
            conds.length ? h("li", {}, "Conditions", h("ul", {}, conds)) : null),
        ),
      );
    }
    tree.append(h("li", { class: "policy" }, h("div", { class: "head" }, h("strong", {}, label), ` — ${p.result}`), stmts));
  }
  return tree;
}

export function simulatorPage(root: HTMLElement): void {
  const acct = current().account ?? "111122223333";
  const region = current().region;
  const mode = h("select", { id: "sim-mode" }, h("option", { value: "policies" }, "Pasted policies (SimulateCustomPolicy)"), h("option", { value: "principal" }, "A principal's policies (SimulatePrincipalPolicy)"));
  const principal = h("input", { id: "sim-principal", list: "principals", size: 60, placeholder: `arn:aws:iam::${acct}:user/alice` });
  const principals = h("datalist", { id: "principals" });
  const policies = h("textarea", { id: "sim-policies", rows: 12, cols: 80, placeholder: "One identity policy, or a JSON array of them" });
  const boundaryText = h("textarea", { id: "sim-boundary", rows: 4, cols: 80, placeholder: "optional permissions boundary" });
  const callerARN = h("input", { id: "sim-caller", size: 60, placeholder: `arn:aws:iam::${acct}:user/SimulatedUser (CallerArn, optional)` });
  const action = h("input", { id: "sim-action", list: "actions", size: 40, placeholder: "connect:DescribeUser", autocomplete: "off" });
  const actions = h("datalist", { id: "actions" });
  const resType = h("select", { id: "sim-resource-type" });
  const arnParts = h("div", { class: "arn-parts" });
  const resource = h("input", { id: "sim-resource", size: 100, value: "*" });
  const contextRows = h("div", { id: "sim-context" });
  const keys = h("datalist", { id: "context-keys" });
  const out = h("div", { id: "sim-result" });
  let info: ActionInfo | undefined;
  // The ARN is built from the resource type until the user types one.
  let typedARN = false;
  resource.addEventListener("input", () => (typedARN = resource.value.trim() !== "" && resource.value.trim() !== "*"));

  const principalBox = h("div", { hidden: true }, field("Principal ARN", principal), principals);
  const policiesBox = h("div", {}, field("Caller ARN", callerARN), field("Identity policies", policies), field("Permissions boundary", boundaryText));
  mode.addEventListener("change", () => {
    principalBox.hidden = mode.value !== "principal";
    policiesBox.hidden = mode.value !== "policies";
  });

  // Principals for the picker, as far as the session may list them.
  void Promise.all([query("iam", "ListUsers").catch(() => ({})), query("iam", "ListRoles").catch(() => ({}))]).then(([u, r]) => {
    for (const x of [...list(u.Users), ...list(r.Roles)]) principals.append(h("option", { value: x.Arn }));
  });

  let timer = 0;
  action.addEventListener("input", () => {
    clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const v = action.value.trim();
      if (!v) return;
      const found = await catalogActions(v).catch(() => []);
      clear(actions, ...found.map((a) => h("option", { value: a.name }, `${a.accessLevel}`)));
      if (found.some((a) => a.name.toLowerCase() === v.toLowerCase())) await loadAction(v);
    }, 150);
  });
  action.addEventListener("change", () => void loadAction(action.value.trim()));

  const buildARN = (force = false) => {
    if (typedARN && !force) return;
    const rt = info?.resources.find((r) => r.type === resType.value);
    if (!rt) {
      resource.value = "*";
      return;
    }
    let arn = rt.arn.replace("${Partition}", "aws").replace("${Region}", region).replace("${Account}", acct);
    for (const inp of Array.from(arnParts.querySelectorAll("input"))) {
      arn = arn.replace("${" + inp.name + "}", inp.value || "*");
    }
    resource.value = arn;
  };
  const loadAction = async (name: string) => {
    if (!name || info?.name.toLowerCase() === name.toLowerCase()) return;
    try {
      info = await catalogAction(name);
    } catch {
      info = undefined;
      return;
    }
    clear(resType, h("option", { value: "" }, '"*" (no resource type)'), ...info.resources.map((r) => h("option", { value: r.type }, `${r.type}${r.required ? " (required)" : ""}`)));
    if (info.resources.length) resType.value = info.resources[0].type;
    renderParts();
    clear(keys, ...info.conditionKeys.map((k) => h("option", { value: k.name }, k.type)));
  };
  const renderParts = () => {
    const rt = info?.resources.find((r) => r.type === resType.value);
    clear(arnParts);
    if (rt) {
      for (const m of rt.arn.matchAll(/\$\{(\w+)\}/g)) {
        if (["Partition", "Region", "Account"].includes(m[1])) continue;
        arnParts.append(field(m[1], h("input", { name: m[1], class: "arn-part", oninput: () => buildARN(true), placeholder: "*" })));
      }
    }
    buildARN();
  };
  resType.addEventListener("change", () => {
    typedARN = false;
    renderParts();
  });

  const addContext = () =>
    contextRows.append(
      h("div", { class: "ctx-row" }, h("input", { class: "ctx-key", list: "context-keys", placeholder: "aws:ResourceTag/Department", size: 40 }),
        h("input", { class: "ctx-value", placeholder: "value (comma-separated for lists)", size: 40 })),
    );
  addContext();

  const run = async () => {
    clear(out, h("p", {}, "Simulating…"));
    const act = action.value.trim();
    const res = resource.value.trim() || "*";
    const ctx: Record<string, string[]> = {};
    const params: Record<string, string> = { "ActionNames.member.1": act, "ResourceArns.member.1": res };
    let n = 0;
    for (const row of Array.from(contextRows.children)) {
      const k = (row.querySelector(".ctx-key") as HTMLInputElement).value.trim();
      const v = (row.querySelector(".ctx-value") as HTMLInputElement).value;
      if (!k) continue;
      const vals = v.split(",").map((s) => s.trim());
      ctx[k] = vals;
      n++;
      params[`ContextEntries.member.${n}.ContextKeyName`] = k;
      params[`ContextEntries.member.${n}.ContextKeyType`] = "stringList";
      vals.forEach((x, i) => (params[`ContextEntries.member.${n}.ContextKeyValues.member.${i + 1}`] = x));
    }
    let names: string[] = [];
    let identity: string[] = [];
    let boundary: string | undefined;
    let principalARN = `arn:aws:iam::${acct}:user/SimulatedUser`;
    let result: any;
    let treeNote: HTMLElement | null = null;
    try {
      if (mode.value === "principal") {
        principalARN = principal.value.trim();
        result = await query("iam", "SimulatePrincipalPolicy", { ...params, PolicySourceArn: principalARN });
        try {
          const pp = await principalPolicies(principalARN);
          names = pp.identity.map((p) => p.name);
          identity = pp.identity.map((p) => p.doc);
          boundary = pp.boundary?.doc;
        } catch (e) {
          treeNote = h("div", { class: "warning" }, "No explanation tree: reading the principal's policies was refused. ", errorBox(e));
        }
      } else {
        const text = policies.value.trim();
        const parsed = JSON.parse(text);
        // One policy keeps its text as pasted, so that lines match it.
        identity = Array.isArray(parsed) ? parsed.map((p: unknown) => JSON.stringify(p, null, 2)) : [text];
        if (callerARN.value.trim()) {
          principalARN = callerARN.value.trim();
          params.CallerArn = principalARN;
        }
        names = identity.map((_, i) => `pasted policy ${i + 1}`);
        identity.forEach((d, i) => (params[`PolicyInputList.member.${i + 1}`] = d));
        if (boundaryText.value.trim()) {
          boundary = boundaryText.value.trim();
          params["PermissionsBoundaryPolicyInputList.member.1"] = boundary;
        }
        result = await query("iam", "SimulateCustomPolicy", params);
      }
    } catch (e) {
      clear(out, errorBox(e));
      return;
    }
    const r = list(result.EvaluationResults)[0];
    const matched = list(r?.MatchedStatements).map((m: any) => ({ policy: m.SourcePolicyId, line: Number(m.StartPosition?.Line), col: Number(m.StartPosition?.Column) }));
    const decision = r?.EvalDecision ?? "?";
    const summary = h(
      "div",
      { class: "decision " + decision, id: "sim-decision" },
      h("div", { class: "big" }, decisionLabel[decision] ?? decision),
      h("div", {}, `${r?.EvalActionName} on ${r?.EvalResourceName}`),
      matched.length
        ? h("div", { id: "deciding" }, "Deciding statement: ", ...matched.map((m) => h("code", {}, `${m.policy} line ${m.line}:${m.col}`)))
        : h("div", { id: "deciding" }, decision === "implicitDeny" ? "No statement allows this request: it is implicitly denied." : ""),
      list(r?.MissingContextValues).length ? h("div", {}, "Missing context values: ", list(r.MissingContextValues).join(", ")) : null,
    );
    clear(out, summary, treeNote);
    if (identity.length || boundary) {
      // Policies travel as text, so that the tree's lines are the policies' own.
      const input: any = { principal: { arn: principalARN }, action: act, resource: res, context: ctx, identityPolicies: identity };
      if (boundary) input.permissionsBoundary = boundary;
      try {
        const x = await explain(input);
        out.append(h("h3", {}, "Explanation"), h("p", { class: "message", id: "sim-message" }, x.message), renderTree(x, names, matched));
        for (const note of x.notes ?? []) out.append(h("p", { class: "note" }, note));
      } catch (e) {
        out.append(errorBox(e));
      }
    }
  };

  clear(
    root,
    h("h2", {}, "Policy simulator"),
    field("Simulate", mode),
    principalBox,
    policiesBox,
    field("Action", action),
    actions,
    field("Resource type", resType),
    arnParts,
    field("Resource ARN", resource),
    h("div", { class: "field" }, h("span", {}, "Context keys"), contextRows, keys, h("button", { type: "button", onclick: addContext }, "Add key")),
    h("button", { type: "button", class: "primary", id: "sim-run", onclick: run }, "Simulate"),
    out,
  );
}
