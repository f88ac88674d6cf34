import { query, rest, list } from "./api";
import { h, clear, errorBox } from "./dom";

type Loader = (detail: HTMLElement) => Promise<void>;

const tabs: Record<string, string> = {
  users: "Users",
  groups: "Groups",
  roles: "Roles",
  policies: "Managed policies",
  connect: "Connect instances",
};

function kv(rows: [string, unknown][]): HTMLElement {
  return h("table", { class: "kv" }, ...rows.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v instanceof Node ? v : String(v)))));
}

function table(cols: string[], rows: (string | Node)[][], id?: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, "None.");
  return h("table", { class: "grid", id }, h("tr", {}, ...cols.map((c) => h("th", {}, c))), ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c)))));
}

function pre(doc: string): HTMLElement {
  let text = doc;
  try {
    text = JSON.stringify(JSON.parse(decodeURIComponent(doc)), null, 2);
  } catch {
    /* shown as stored */
  }
  return h("pre", { class: "doc" }, text);
}

/** section runs a loader, showing a refusal in place of what it would list. */
async function section(parent: HTMLElement, title: string, load: () => Promise<Node>): Promise<void> {
  const box = h("section", {}, h("h4", {}, title), h("p", {}, "Loading…"));
  parent.append(box);
  try {
    const content = await load();
    box.replaceChildren(h("h4", {}, title), content);
  } catch (e) {
    box.replaceChildren(h("h4", {}, title), errorBox(e));
  }
}

async function entityPolicies(detail: HTMLElement, K: "User" | "Group" | "Role", name: string): Promise<void> {
  const p = { [K + "Name"]: name };
  await section(detail, "Attached managed policies", async () =>
    table(["Policy", "ARN"], list((await query("iam", `ListAttached${K}Policies`, p)).AttachedPolicies).map((a: any) => [a.PolicyName, a.PolicyArn])),
  );
  await section(detail, "Inline policies", async () => {
    const names = list<string>((await query("iam", `List${K}Policies`, p)).PolicyNames);
    const box = h("div", {});
    for (const n of names) box.append(h("h5", {}, n), pre((await query("iam", `Get${K}Policy`, { ...p, PolicyName: n })).PolicyDocument));
    return names.length ? box : h("p", { class: "empty" }, "None.");
  });
}

const tagsTable = (tags: any) => table(["Key", "Value"], list(tags).map((t: any) => [t.Key, t.Value]));

const loaders: Record<string, (open: (title: string, l: Loader) => void) => Promise<HTMLElement>> = {
  async users(open) {
    const users = list((await query("iam", "ListUsers")).Users);
    return table(["User", "ARN", "Created"], users.map((u: any) => [link(u.UserName, () => open(u.UserName, (d) => userDetail(d, u.UserName))), u.Arn, u.CreateDate]), "users");
  },
  async groups(open) {
    const groups = list((await query("iam", "ListGroups")).Groups);
    return table(["Group", "ARN"], groups.map((g: any) => [link(g.GroupName, () => open(g.GroupName, (d) => groupDetail(d, g.GroupName))), g.Arn]), "groups");
  },
  async roles(open) {
    const roles = list((await query("iam", "ListRoles")).Roles);
    return table(["Role", "ARN", "Path"], roles.map((r: any) => [link(r.RoleName, () => open(r.RoleName, (d) => roleDetail(d, r.RoleName))), r.Arn, r.Path + (r.Path.startsWith("/aws-service-role/") ? " (service-linked, read only)" : "")]), "roles");
  },
  async policies(open) {
    const ps = list((await query("iam", "ListPolicies", { Scope: "Local" })).Policies);
    return table(["Policy", "ARN", "Default version", "Attachments"], ps.map((p: any) => [link(p.PolicyName, () => open(p.PolicyName, (d) => policyDetail(d, p.Arn))), p.Arn, p.DefaultVersionId, p.AttachmentCount]), "policies");
  },
  async connect(open) {
    const is = list((await rest("connect", "GET", "/instance")).InstanceSummaryList);
    return table(["Instance", "ID", "ARN", "Status"], is.map((i: any) => [link(i.InstanceAlias || i.Id, () => open(i.InstanceAlias || i.Id, (d) => instanceDetail(d, i))), i.Id, i.Arn, i.InstanceStatus ?? ""]), "instances");
  },
};

function link(text: string, onclick: () => void): HTMLElement {
  return h("a", { href: "javascript:void 0", class: "open", onclick: (e: Event) => { e.preventDefault(); onclick(); } }, text);
}

async function userDetail(d: HTMLElement, name: string): Promise<void> {
  await section(d, "Summary", async () => {
    const u = (await query("iam", "GetUser", { UserName: name })).User;
    return h("div", {}, kv([["ARN", u.Arn], ["User ID", u.UserId], ["Path", u.Path], ["Created", u.CreateDate], ["Password last used", u.PasswordLastUsed],
      ["Permissions boundary", u.PermissionsBoundary?.PermissionsBoundaryArn ?? "none"]]), h("h5", {}, "Tags"), tagsTable(u.Tags));
  });
  await section(d, "Groups", async () => table(["Group"], list((await query("iam", "ListGroupsForUser", { UserName: name })).Groups).map((g: any) => [g.GroupName])));
  await entityPolicies(d, "User", name);
  await section(d, "Access keys", async () => {
    const keys = list((await query("iam", "ListAccessKeys", { UserName: name })).AccessKeyMetadata);
    const rows: string[][] = [];
    for (const k of keys) {
      const lu = await query("iam", "GetAccessKeyLastUsed", { AccessKeyId: k.AccessKeyId }).catch(() => ({}));
      const used = lu.AccessKeyLastUsed;
      rows.push([k.AccessKeyId, k.Status, k.CreateDate, used?.LastUsedDate ? `${used.LastUsedDate} ${used.ServiceName} ${used.Region}` : "never"]);
    }
    return table(["Access key ID", "Status", "Created", "Last used"], rows);
  });
}

async function groupDetail(d: HTMLElement, name: string): Promise<void> {
  await section(d, "Members", async () => {
    const g = await query("iam", "GetGroup", { GroupName: name });
    return h("div", {}, kv([["ARN", g.Group.Arn], ["Path", g.Group.Path]]), table(["User"], list(g.Users).map((u: any) => [u.UserName])));
  });
  await entityPolicies(d, "Group", name);
}

async function roleDetail(d: HTMLElement, name: string): Promise<void> {
  await section(d, "Summary", async () => {
    const r = (await query("iam", "GetRole", { RoleName: name })).Role;
    const slr = String(r.Path).startsWith("/aws-service-role/");
    return h("div", {}, kv([["ARN", r.Arn], ["Role ID", r.RoleId], ["Path", r.Path], ["Service-linked", slr ? "yes (read only)" : "no"], ["Max session", r.MaxSessionDuration],
      ["Last used", r.RoleLastUsed?.LastUsedDate ? `${r.RoleLastUsed.LastUsedDate} ${r.RoleLastUsed.Region ?? ""}` : "never"],
      ["Permissions boundary", r.PermissionsBoundary?.PermissionsBoundaryArn ?? "none"]]),
      h("h5", {}, "Trust policy"), pre(r.AssumeRolePolicyDocument), h("h5", {}, "Tags"), tagsTable(r.Tags));
  });
  await entityPolicies(d, "Role", name);
}

async function policyDetail(d: HTMLElement, arn: string): Promise<void> {
  await section(d, "Versions", async () => {
    const p = (await query("iam", "GetPolicy", { PolicyArn: arn })).Policy;
    const versions = list((await query("iam", "ListPolicyVersions", { PolicyArn: arn })).Versions);
    const box = h("div", {}, kv([["ARN", p.Arn], ["Default version", p.DefaultVersionId], ["Attachments", p.AttachmentCount], ["Updated", p.UpdateDate]]));
    for (const v of versions) {
      const doc = (await query("iam", "GetPolicyVersion", { PolicyArn: arn, VersionId: v.VersionId })).PolicyVersion.Document;
      box.append(h("h5", {}, `${v.VersionId}${v.IsDefaultVersion === "true" ? " (default)" : ""} — ${v.CreateDate}`), pre(doc));
    }
    return box;
  });
}

async function instanceDetail(d: HTMLElement, inst: any): Promise<void> {
  const id = inst.Id;
  await section(d, "Instance", async () => {
    const tags = (await rest("connect", "GET", "/tags/" + encodeURIComponent(inst.Arn))).tags ?? {};
    return h("div", {}, kv([["ARN", inst.Arn], ["Alias", inst.InstanceAlias], ["Identity management", inst.IdentityManagementType]]),
      h("h5", {}, "Tags"), table(["Key", "Value"], Object.entries(tags).map(([k, v]) => [k, String(v)])));
  });
  const parts: [string, string, string, string][] = [
    ["Users", "/users-summary/", "UserSummaryList", "Username"],
    ["Queues", "/queues-summary/", "QueueSummaryList", "Name"],
    ["Routing profiles", "/routing-profiles-summary/", "RoutingProfileSummaryList", "Name"],
    ["Security profiles", "/security-profiles-summary/", "SecurityProfileSummaryList", "Name"],
    ["Flows", "/contact-flows-summary/", "ContactFlowSummaryList", "Name"],
    ["Hours of operation", "/hours-of-operations-summary/", "HoursOfOperationSummaryList", "Name"],
    ["Phone numbers", "/phone-numbers-summary/", "PhoneNumberSummaryList", "PhoneNumber"],
  ];
  for (const [title, path, key, nameField] of parts) {
    await section(d, title, async () => {
      const items = list((await rest("connect", "GET", path + id))[key]);
      const tagCell = (arn: string) => {
        const cell = h("span", {});
        cell.append(link("tags", async () => {
          try {
            const t = (await rest("connect", "GET", "/tags/" + encodeURIComponent(arn))).tags ?? {};
            clear(cell, Object.entries(t).map(([k, v]) => `${k}=${v}`).join(", ") || "no tags");
          } catch (e) {
            clear(cell, errorBox(e));
          }
        }));
        return cell;
      };
      return table(["Name", "ID", "ARN", "Tags"], items.map((x: any) => [x[nameField] ?? "", x.Id ?? "", x.Arn ?? "", x.Arn ? tagCell(x.Arn) : ""]),
        "connect-" + title.toLowerCase().replace(/ /g, "-"));
    });
  }
}

export function entitiesPage(root: HTMLElement, arg: string): void {
  const tab = tabs[arg] ? arg : "users";
  const listBox = h("div", { class: "list", id: "entity-list" }, "Loading…");
  const detail = h("div", { class: "detail", id: "entity-detail" });
  const open = (title: string, l: Loader) => {
    clear(detail, h("h3", {}, title));
    void l(detail);
  };
  clear(
    root,
    h("h2", {}, "Entities"),
    h("div", { class: "tabs" }, ...Object.entries(tabs).map(([k, t]) => h("a", { href: "#/entities/" + k, class: k === tab ? "active" : "" }, t))),
    h("div", { class: "split" }, listBox, detail),
  );
  loaders[tab](open).then(
    (el) => clear(listBox, el),
    (e) => clear(listBox, h("p", {}, "This page lists only what your principal may read; the API refused:"), errorBox(e)),
  );
}
