import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle, indentOnInput } from "@codemirror/language";
import { linter, lintGutter, Diagnostic, forceLinting } from "@codemirror/lint";
import { rest, query, list } from "./api";
import { h, clear, errorBox, field } from "./dom";

/** The policy types of the selector, and how Access Analyzer validates each. */
const policyTypes: Record<string, { label: string; type: string; resourceType?: string; managed: boolean }> = {
  identity: { label: "Identity-based policy", type: "IDENTITY_POLICY", managed: true },
  resource: { label: "Resource-based policy", type: "RESOURCE_POLICY", managed: false },
  trust: { label: "Role trust policy", type: "RESOURCE_POLICY", resourceType: "AWS::IAM::AssumeRolePolicyDocument", managed: false },
  scp: { label: "Service control policy (SCP)", type: "SERVICE_CONTROL_POLICY", managed: false },
  rcp: { label: "Resource control policy (RCP)", type: "RESOURCE_CONTROL_POLICY", managed: false },
  boundary: { label: "Permissions boundary", type: "IDENTITY_POLICY", managed: true },
};

const starter = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["connect:DescribeUser", "connect:ListUsers"],
      "Resource": "*"
    }
  ]
}
`;

interface Finding {
  findingType: string;
  issueCode: string;
  findingDetails: string;
  learnMoreLink: string;
  locations: { path: unknown[]; span: { start: { line: number; column: number; offset: number }; end: { line: number; column: number; offset: number } } }[];
  suggestions?: string[];
}

/** charIndex converts a UTF-8 byte offset of text into a string index. */
function charIndex(text: string, byteOffset: number): number {
  const bytes = new TextEncoder().encode(text);
  return new TextDecoder().decode(bytes.slice(0, Math.max(0, Math.min(byteOffset, bytes.length)))).length;
}

const severity = (t: string): Diagnostic["severity"] => (t === "ERROR" || t === "SECURITY_WARNING" ? "error" : t === "WARNING" ? "warning" : "info");

export function policyPage(root: HTMLElement): () => void {
  let kind = "identity";
  const status = h("div", { class: "status", id: "validation-status" });
  const findingsList = h("ol", { class: "findings", id: "findings" });
  const saveMsg = h("div", { id: "save-message" });
  const select = h(
    "select",
    { id: "policy-type", onchange: () => { kind = select.value; saveBox.hidden = !policyTypes[kind].managed; forceLinting(view); } },
    ...Object.entries(policyTypes).map(([k, t]) => h("option", { value: k }, t.label)),
  );

  const validate = async (v: EditorView): Promise<Diagnostic[]> => {
    const text = v.state.doc.toString();
    const t = policyTypes[kind];
    const body: Record<string, string> = { policyDocument: text, policyType: t.type };
    if (t.resourceType) body.validatePolicyResourceType = t.resourceType;
    let findings: Finding[];
    try {
      findings = (await rest("access-analyzer", "POST", "/policy/validation", body)).findings ?? [];
    } catch (e) {
      clear(status, errorBox(e));
      clear(findingsList);
      return [];
    }
    clear(status, findings.length === 0 ? "No findings: the policy is valid for this type." : `${findings.length} finding(s) from access-analyzer:ValidatePolicy`);
    const diags: Diagnostic[] = [];
    clear(findingsList);
    for (const f of findings) {
      const loc = f.locations?.[0]?.span;
      const from = loc ? charIndex(text, loc.start.offset) : 0;
      const to = loc ? Math.max(charIndex(text, loc.end.offset), from + 1) : Math.min(1, text.length);
      const fixes = (f.suggestions ?? []).map((s) => ({
        name: `Replace with ${s}`,
        apply: (view: EditorView, a: number, b: number) => {
          const old = view.state.sliceDoc(a, b);
          const insert = old.startsWith('"') ? JSON.stringify(s) : s;
          view.dispatch({ changes: { from: a, to: b, insert } });
        },
      }));
      diags.push({ from, to: Math.min(to, text.length), severity: severity(f.findingType), source: f.issueCode, message: f.findingDetails, actions: fixes });
      const where = loc ? `Line ${loc.start.line}, column ${loc.start.column}` : "Policy";
      findingsList.append(
        h(
          "li",
          { class: "finding " + f.findingType.toLowerCase(), "data-line": loc ? String(loc.start.line) : "" },
          h("span", { class: "where" }, where),
          h("span", { class: "sev" }, f.findingType),
          h("code", {}, f.issueCode),
          h("span", { class: "details" }, f.findingDetails),
          ...fixes.map((x) => h("button", { type: "button", class: "fix", onclick: () => x.apply(view, from, to) }, x.name)),
          f.learnMoreLink ? h("a", { href: f.learnMoreLink, target: "_blank", rel: "noreferrer" }, "Learn more") : null,
        ),
      );
    }
    return diags;
  };

  const editorHost = h("div", { class: "editor", id: "policy-editor" });
  const view = new EditorView({
    parent: editorHost,
    state: EditorState.create({
      doc: starter,
      extensions: [
        lineNumbers(),
        history(),
        highlightActiveLine(),
        bracketMatching(),
        indentOnInput(),
        syntaxHighlighting(defaultHighlightStyle),
        json(),
        lintGutter(),
        linter(validate, { delay: 400 }),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
      ],
    }),
  });

  // Save as a managed policy: a new policy, or a new default version.
  const target = h("input", { id: "save-target", placeholder: "policy name (new) or arn:aws:iam::ACCOUNT:policy/NAME (new version)", size: 60 });
  const save = async () => {
    clear(saveMsg);
    const doc = view.state.doc.toString();
    const t = target.value.trim();
    try {
      if (t.startsWith("arn:")) {
        const versions = list((await query("iam", "ListPolicyVersions", { PolicyArn: t })).Versions);
        if (versions.length >= 5) {
          const old = versions.filter((v: any) => v.IsDefaultVersion !== "true").pop();
          if (old) await query("iam", "DeletePolicyVersion", { PolicyArn: t, VersionId: old.VersionId });
        }
        const r = await query("iam", "CreatePolicyVersion", { PolicyArn: t, PolicyDocument: doc, SetAsDefault: "true" });
        clear(saveMsg, h("div", { class: "ok" }, `Saved ${t} version ${r.PolicyVersion?.VersionId} (default).`));
      } else {
        const r = await query("iam", "CreatePolicy", { PolicyName: t, PolicyDocument: doc });
        clear(saveMsg, h("div", { class: "ok" }, `Created ${r.Policy?.Arn} (v1).`));
        target.value = r.Policy?.Arn ?? t;
      }
    } catch (e) {
      clear(saveMsg, errorBox(e));
    }
  };
  // access-analyzer:CheckNoNewAccess of the editor's text against the
  // saved policy's default version.
  const checkMsg = h("div", { id: "check-message" });
  const checkNoNewAccess = async () => {
    clear(checkMsg);
    const t = target.value.trim();
    if (!t.startsWith("arn:")) {
      clear(checkMsg, errorBox({ code: "ValidationException", message: "Give the saved policy's ARN to compare with." }));
      return;
    }
    try {
      const p = await query("iam", "GetPolicy", { PolicyArn: t });
      const v = await query("iam", "GetPolicyVersion", { PolicyArn: t, VersionId: p.Policy.DefaultVersionId });
      const policyType = policyTypes[kind].type === "RESOURCE_POLICY" ? "RESOURCE_POLICY" : "IDENTITY_POLICY";
      const r = await rest("access-analyzer", "POST", "/policy/check-no-new-access", {
        existingPolicyDocument: decodeURIComponent(v.PolicyVersion.Document),
        newPolicyDocument: view.state.doc.toString(),
        policyType,
      });
      clear(checkMsg, h("div", { class: "check " + String(r.result).toLowerCase() }, h("strong", { id: "check-result" }, r.result), ` against ${t} ${p.Policy.DefaultVersionId}: ${r.message}`,
        h("ul", {}, ...(r.reasons ?? []).map((x: any) => h("li", {}, x.description, x.statementId ? ` (statement ${x.statementId})` : x.statementIndex !== undefined ? ` (statement ${x.statementIndex + 1})` : "")))));
    } catch (e) {
      clear(checkMsg, errorBox(e));
    }
  };
  const saveBox = h("div", { class: "save" }, field("Save as managed policy", target), h("button", { type: "button", id: "save-policy", onclick: save }, "Save"),
    h("button", { type: "button", id: "check-no-new-access", onclick: checkNoNewAccess }, "Check no new access against the saved version"), saveMsg, checkMsg);

  clear(
    root,
    h("h2", {}, "Policy editor"),
    h("p", { class: "hint" }, "Findings come from access-analyzer:ValidatePolicy as you type; hover a squiggle for its message and fix."),
    field("Policy type", select),
    editorHost,
    status,
    findingsList,
    saveBox,
  );
  return () => view.destroy();
}
