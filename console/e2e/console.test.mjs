// Browser tests of the connect-iam console: playwright-core drives
// Debian's Chromium (no browser download) against `connect-iam serve
// --memory`. The users and the Connect instance are set up through the
// console's own backend, signed in as the bootstrapped administrator with
// its access key. Screenshots of every page land in docs/console/.
// Run by scripts/console-test.sh (CONNECT_IAM_BIN is the built binary).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const shots = join(repo, "docs/console");
const bin = process.env.CONNECT_IAM_BIN ?? join(repo, "connect-iam");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const brokenPolicy = readFileSync(join(repo, "validate/testdata/seeds/03-integrate-external-apps.json"), "utf8");
const viewUser = JSON.parse(readFileSync(join(repo, "examples/simulate/view-user.json"), "utf8"));
const PASSWORD = "Console-Passw0rd!";

let server, base, browser, profile, admin, instanceId;

/** A minimal client of the console backend, with its own cookie jar. */
class ConsoleClient {
  constructor(base) {
    this.base = base;
    this.jar = new Map();
    this.csrf = "";
  }
  async req(method, path, body) {
    const headers = { Cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ") };
    if (method !== "GET") Object.assign(headers, { "Content-Type": "application/json", "X-CSRF-Token": this.csrf });
    const r = await fetch(this.base + "/console/api/" + path, { method, headers, body: body && JSON.stringify(body) });
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(";");
      const [k, v] = kv.split("=");
      this.jar.set(k, v);
    }
    const data = await r.json();
    if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(data)}`);
    return data;
  }
  async signIn(req) {
    this.csrf = (await this.req("GET", "session")).csrf;
    const s = await this.req("POST", "signin", req);
    this.csrf = s.csrf;
    return s;
  }
  async iam(action, params = {}) {
    const form = { Action: [action], Version: ["2010-05-08"] };
    for (const [k, v] of Object.entries(params)) form[k] = [v];
    const r = await this.req("POST", "call", { service: "iam", form });
    assert.ok(r.status < 300, `${action}: ${r.status} ${r.body}`);
    return r.body;
  }
  async connect(method, path, body) {
    const r = await this.req("POST", "call", { service: "connect", method, path, body: body ? JSON.stringify(body) : "" });
    assert.ok(r.status < 300, `connect ${method} ${path}: ${r.status} ${r.body}`);
    return r.body ? JSON.parse(r.body) : {};
  }
}

function startServer() {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ["serve", "--memory", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error("the server did not start in 60 s: " + err)), 60000);
    p.stderr.on("data", (d) => (err += d));
    p.stdout.on("data", (d) => {
      out += d;
      const url = /^(http:\/\/\S+)\n/.exec(out)?.[1];
      const id = /aws_access_key_id\s*=\s*(\S+)/.exec(out)?.[1];
      const secret = /aws_secret_access_key\s*=\s*(\S+)/.exec(out)?.[1];
      if (url && id && secret) {
        clearTimeout(timer);
        resolve({ p, url, id, secret });
      }
    });
    p.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${err}`));
    });
  });
}

const operatorPolicy = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "ReadAndSimulateIAM", Effect: "Allow", Action: ["iam:Get*", "iam:List*", "iam:Simulate*", "iam:CreatePolicy", "iam:CreatePolicyVersion"], Resource: "*" },
    { Sid: "ValidatePolicies", Effect: "Allow", Action: ["access-analyzer:ValidatePolicy", "access-analyzer:CheckNoNewAccess"], Resource: "*" },
    { Sid: "ReadAuditLog", Effect: "Allow", Action: "cloudtrail:LookupEvents", Resource: "*" },
    { Sid: "BrowseConnect", Effect: "Allow", Action: ["connect:List*", "connect:Describe*"], Resource: "*" },
  ],
};

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  base = server.url;
  admin = new ConsoleClient(base);
  await admin.signIn({ mode: "keys", accessKeyId: server.id, secretAccessKey: server.secret });
  // alice: a console operator; bob: a console password and no permissions.
  for (const user of ["alice", "bob"]) {
    await admin.iam("CreateUser", { UserName: user });
    await admin.iam("CreateLoginProfile", { UserName: user, Password: PASSWORD });
  }
  await admin.iam("PutUserPolicy", { UserName: "alice", PolicyName: "ConsoleOperator", PolicyDocument: JSON.stringify(operatorPolicy) });
  await admin.iam("TagUser", { UserName: "alice", "Tags.member.1.Key": "Department", "Tags.member.1.Value": "Test" });
  // A Connect instance with one agent.
  const inst = await admin.connect("PUT", "/instance", { IdentityManagementType: "CONNECT_MANAGED", InstanceAlias: "console-demo", InboundCallsEnabled: true, OutboundCallsEnabled: true });
  instanceId = inst.Id;
  const rp = (await admin.connect("GET", `/routing-profiles-summary/${instanceId}`)).RoutingProfileSummaryList[0];
  const sp = (await admin.connect("GET", `/security-profiles-summary/${instanceId}`)).SecurityProfileSummaryList.find((s) => s.Name === "Agent");
  await admin.connect("PUT", `/users/${instanceId}`, {
    Username: "jane.agent", Password: "Agent-Passw0rd!", IdentityInfo: { FirstName: "Jane", LastName: "Agent" },
    PhoneConfig: { PhoneType: "SOFT_PHONE" }, SecurityProfileIds: [sp.Id], RoutingProfileId: rp.Id, Tags: { Team: "Support" },
  });
  profile = mkdtempSync(join(tmpdir(), "connect-iam-chromium-"));
  // A persistent context is how Playwright takes a user-data dir: a
  // fresh one per run. Each test clears its cookies and opens its own page.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  server?.p.kill("SIGTERM");
});

async function signedInPage(user, shot) {
  await browser.clearCookies();
  for (const p of browser.pages()) await p.close();
  const page = await browser.newPage();
  page.on("pageerror", (e) => assert.fail("page error: " + e.message));
  await page.goto(base + "/console/");
  await page.locator("#signin").waitFor();
  await page.fill("input[name=userName]", user);
  await page.fill("input[name=password]", PASSWORD);
  if (shot) await page.screenshot({ path: join(shots, "signin.png") });
  await page.click("#signin button[type=submit]");
  await page.locator("nav .who").filter({ hasText: `:user/${user}` }).waitFor();
  return page;
}

test("sign in, with the cookie HttpOnly and SameSite=Strict", async () => {
  const page = await signedInPage("alice", true);
  const cookies = await browser.cookies();
  const c = cookies.find((c) => c.name === "connect_iam_console");
  assert.ok(c, "no session cookie");
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, "Strict");
  assert.ok(!c.value.includes("ASIA") && !c.value.includes(PASSWORD), "the cookie shows its content");
  assert.equal(await page.evaluate(() => document.cookie.includes("connect_iam_console=")), false);
  await page.close();
});

test("policy editor: the seed's app-integartions is flagged at its line", async () => {
  const page = await signedInPage("alice");
  await page.goto(base + "/console/#/policy");
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(brokenPolicy);
  const finding = page.locator("#findings li", { hasText: "app-integartions" }).first();
  await finding.waitFor({ timeout: 15000 });
  const line = String(brokenPolicy.split("\n").findIndex((l) => l.includes("app-integartions")) + 1);
  assert.equal(await finding.getAttribute("data-line"), line);
  assert.match(await finding.innerText(), new RegExp(`Line ${line},`));
  // The squiggle: a lint mark in the editor over line 11's action.
  await page.locator(".cm-lintRange-error").first().waitFor();
  const marked = await page.locator(".cm-lintRange-error").first().innerText();
  assert.match(marked, /app-integartions/);
  await page.locator(".cm-lintRange-error").first().hover();
  await page.locator(".cm-tooltip-lint").waitFor();
  await page.screenshot({ path: join(shots, "policy-editor.png") });

  // Save a valid policy as a managed policy, widen it, and check it
  // against the saved version: new access.
  const setText = async (text) => {
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(text);
  };
  const viewOnly = { Version: "2012-10-17", Statement: [{ Sid: "ViewUsers", Effect: "Allow", Action: ["connect:DescribeUser", "connect:ListUsers"], Resource: "*" }] };
  await setText(JSON.stringify(viewOnly, null, 2));
  await page.locator("#validation-status", { hasText: "No findings" }).waitFor({ timeout: 15000 });
  await page.fill("#save-target", "ConsoleViewUsers");
  await page.click("#save-policy");
  await page.locator("#save-message .ok", { hasText: "Created arn:aws:iam::" }).waitFor();
  assert.match(await page.inputValue("#save-target"), /^arn:aws:iam::\d{12}:policy\/ConsoleViewUsers$/);
  viewOnly.Statement[0].Action.push("connect:UpdateUserIdentityInfo");
  await setText(JSON.stringify(viewOnly, null, 2));
  await page.click("#check-no-new-access");
  await page.locator("#check-result").waitFor();
  assert.equal(await page.locator("#check-result").innerText(), "FAIL");
  await page.screenshot({ path: join(shots, "policy-check.png") });
  // Saving makes it the new default version; then the check passes.
  await page.click("#save-policy");
  await page.locator("#save-message .ok", { hasText: "version v2 (default)" }).waitFor();
  await page.click("#check-no-new-access");
  await page.locator("#check-result", { hasText: "PASS" }).waitFor();
  await page.close();
});

test("simulator: View User allows, UpdateUserIdentityInfo is implicitly denied", async () => {
  const page = await signedInPage("alice");
  await page.goto(base + "/console/#/simulator");
  await page.fill("#sim-caller", viewUser.principal.arn);
  await page.fill("#sim-policies", JSON.stringify(viewUser.identityPolicies[0], null, 2));
  await page.fill("#sim-action", viewUser.action);
  await page.locator("#sim-resource-type option[value=user]").waitFor({ state: "attached" });
  await page.fill("#sim-resource", viewUser.resource);
  await page.click("#sim-run");
  await page.locator("#sim-decision.allowed").waitFor();
  assert.match(await page.locator("#deciding").innerText(), /line \d+:\d+/);
  await page.locator("#explanation .statement.deciding").waitFor();
  assert.match(await page.locator("#explanation .statement.deciding").innerText(), /Allow/);
  await page.screenshot({ path: join(shots, "simulator-allow.png"), fullPage: true });

  await page.fill("#sim-action", "connect:UpdateUserIdentityInfo");
  await page.click("#sim-run");
  await page.locator("#sim-decision.implicitDeny").waitFor();
  assert.match(await page.locator("#deciding").innerText(), /implicitly denied/);
  assert.match(await page.locator("#sim-decision").innerText(), new RegExp(`UpdateUserIdentityInfo on ${viewUser.resource}`));
  const message = await page.locator("#sim-message").innerText();
  assert.match(message, /no identity-based policy allows the connect:UpdateUserIdentityInfo action/);
  assert.match(await page.locator("#explanation").innerText(), /Action:.*UpdateUserIdentityInfo|UpdateUserIdentityInfo/);
  await page.screenshot({ path: join(shots, "simulator-implicit-deny.png"), fullPage: true });
  await page.close();
});

test("simulator: a principal's own policies (SimulatePrincipalPolicy)", async () => {
  const page = await signedInPage("alice");
  await page.goto(base + "/console/#/simulator");
  await page.selectOption("#sim-mode", "principal");
  const arn = (await page.locator("nav .who").innerText()).trim();
  await page.fill("#sim-principal", arn);
  await page.fill("#sim-action", "iam:ListUsers");
  await page.fill("#sim-resource", "*");
  await page.click("#sim-run");
  await page.locator("#sim-decision.allowed").waitFor();
  const deciding = page.locator("#explanation .statement.deciding");
  await deciding.waitFor();
  assert.match(await deciding.innerText(), /ReadAndSimulateIAM/);
  assert.match(await page.locator("#explanation").innerText(), /user alice inline ConsoleOperator/);
  await page.close();
});

test("entities: browse a Connect instance's users", async () => {
  const page = await signedInPage("alice");
  await page.goto(base + "/console/#/entities/users");
  await page.locator("#users", { hasText: "bob" }).waitFor();
  await page.click("#users a.open:text-is('alice')");
  await page.locator("#entity-detail", { hasText: "ConsoleOperator" }).waitFor();
  await page.screenshot({ path: join(shots, "entities-user.png"), fullPage: true });
  await page.goto(base + "/console/#/entities/connect");
  await page.click("#instances a.open:text-is('console-demo')");
  const users = page.locator("#connect-users");
  await users.waitFor();
  assert.match(await users.innerText(), /jane\.agent/);
  await page.locator("#connect-queues", { hasText: "BasicQueue" }).waitFor();
  await page.screenshot({ path: join(shots, "entities-connect.png"), fullPage: true });
  await page.close();
});

test("a user without IAM permissions sees the entities page refuse", async () => {
  const page = await signedInPage("bob");
  await page.goto(base + "/console/#/entities/users");
  const err = page.locator("#entity-list .error");
  await err.waitFor();
  assert.match(await err.innerText(), /AccessDenied.*bob is not authorized to perform: iam:ListUsers/);
  assert.equal(await page.locator("#users").count(), 0);
  assert.doesNotMatch(await page.locator("main").innerText(), /alice/);
  await page.screenshot({ path: join(shots, "entities-refused.png") });
  // bob cannot read the audit log either.
  await page.goto(base + "/console/#/audit");
  await page.locator("#audit-status .error", { hasText: "cloudtrail:LookupEvents" }).waitFor();
  await page.close();
});

test("audit: the denied call appears with its explanation", async () => {
  const page = await signedInPage("alice");
  await page.goto(base + "/console/#/audit");
  await page.selectOption("#audit-decision", "denied");
  const row = page.locator("#audit-table tbody tr.denied", { hasText: "user/bob" }).filter({ hasText: "ListUsers" }).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  const why = page.locator("#audit-explanation");
  await why.locator(".message").waitFor();
  assert.match(await why.innerText(), /no identity-based policy allows the iam:ListUsers action/);
  await page.screenshot({ path: join(shots, "audit.png"), fullPage: true });
  await page.close();
});
