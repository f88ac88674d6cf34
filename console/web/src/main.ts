import { current, loadSession, signIn, signOut, ConsoleError } from "./api";
import { h, clear, errorBox, field } from "./dom";
import { policyPage } from "./policy";
import { simulatorPage } from "./simulator";
import { entitiesPage } from "./entities";
import { auditPage } from "./audit";

const pages: Record<string, { title: string; render: (root: HTMLElement, arg: string) => void | (() => void) }> = {
  policy: { title: "Policy editor", render: policyPage },
  simulator: { title: "Simulator", render: simulatorPage },
  entities: { title: "Entities", render: entitiesPage },
  audit: { title: "Audit", render: auditPage },
};

const app = document.getElementById("app")!;
let stop: (() => void) | void;

function signInPage(): void {
  let mode: "password" | "keys" = "password";
  const msg = h("div", { id: "signin-message" });
  const account = h("input", { name: "account", placeholder: "12-digit account ID (empty: the server's account)", autocomplete: "off" });
  const user = h("input", { name: "userName", autocomplete: "username" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password" });
  const mfa = h("input", { name: "mfaCode", inputmode: "numeric", autocomplete: "one-time-code", placeholder: "only when the user has an MFA device" });
  const akid = h("input", { name: "accessKeyId", autocomplete: "off" });
  const secret = h("input", { name: "secretAccessKey", type: "password", autocomplete: "off" });
  const token = h("input", { name: "sessionToken", type: "password", autocomplete: "off", placeholder: "only for temporary credentials" });
  const pwFields = h("div", {}, field("Account", account), field("IAM user name", user), field("Password", password), field("MFA code", mfa));
  const keyFields = h("div", { hidden: true }, field("Access key ID", akid), field("Secret access key", secret), field("Session token", token));
  const tabs = h("div", { class: "tabs" });
  const setMode = (m: typeof mode) => {
    mode = m;
    pwFields.hidden = m !== "password";
    keyFields.hidden = m !== "keys";
    for (const b of Array.from(tabs.children)) b.classList.toggle("active", (b as HTMLElement).dataset.mode === m);
  };
  tabs.append(
    h("button", { type: "button", "data-mode": "password", class: "active", onclick: () => setMode("password") }, "Console password"),
    h("button", { type: "button", "data-mode": "keys", onclick: () => setMode("keys") }, "Access key"),
  );
  const form = h(
    "form",
    { class: "signin", id: "signin" },
    h("h1", {}, "Sign in to connect-iam"),
    tabs,
    pwFields,
    keyFields,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    msg,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(msg);
    const req: Record<string, string> =
      mode === "password"
        ? { mode, account: account.value.trim(), userName: user.value.trim(), password: password.value, mfaCode: mfa.value.trim() }
        : { mode, accessKeyId: akid.value.trim(), secretAccessKey: secret.value.trim(), sessionToken: token.value.trim() };
    try {
      await signIn(req);
      password.value = secret.value = token.value = "";
      route();
    } catch (e) {
      if (e instanceof ConsoleError && e.code === "MFARequired") mfa.focus();
      clear(msg, errorBox(e));
    }
  });
  clear(app, form);
}

function shell(): HTMLElement {
  const s = current();
  const main = h("main", { id: "page" });
  const nav = h(
    "nav",
    {},
    h("span", { class: "brand" }, "connect-iam"),
    ...Object.entries(pages).map(([k, p]) => h("a", { href: "#/" + k, "data-page": k }, p.title)),
    h("span", { class: "who", title: s.arn ?? "" }, s.arn ?? ""),
    h("button", { type: "button", id: "signout", onclick: async () => { await signOut(); route(); } }, "Sign out"),
  );
  clear(app, nav, s.passwordResetRequired ? h("div", { class: "warning" }, "Your password must be changed (iam:ChangePassword).") : null, main);
  return main;
}

async function route(): Promise<void> {
  if (stop) stop();
  stop = undefined;
  if (!current().signedIn) {
    signInPage();
    return;
  }
  const [, name = "policy", ...rest] = location.hash.replace(/^#/, "").split("/");
  const page = pages[name] ?? pages.policy;
  const main = shell();
  for (const a of Array.from(document.querySelectorAll("nav a"))) a.classList.toggle("active", (a as HTMLElement).dataset.page === name);
  document.title = page.title + " · connect-iam";
  stop = page.render(main, decodeURIComponent(rest.join("/")));
}

window.addEventListener("hashchange", () => void route());
loadSession().then(route, (e) => clear(app, errorBox(e)));
