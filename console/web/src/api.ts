// The console's client of its backend (/console/api/) and, through it, of
// the AWS APIs connect-iam serves. Every API call is signed on the server
// as the signed-in principal: the browser never holds a secret.

export interface Session {
  signedIn: boolean;
  arn?: string;
  account?: string;
  expires?: string;
  csrf: string;
  passwordResetRequired?: boolean;
  region: string;
}

let session: Session = { signedIn: false, csrf: "", region: "us-east-1" };

export function current(): Session {
  return session;
}

/** ConsoleError is an error answer of the backend or of an AWS API. */
export class ConsoleError extends Error {
  constructor(public code: string, message: string, public status = 0) {
    super(message);
  }
}

async function backend(method: string, path: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = {};
  if (method !== "GET") {
    headers["X-CSRF-Token"] = session.csrf;
    headers["Content-Type"] = "application/json";
  }
  const resp = await fetch("/console/api/" + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await resp.json().catch(() => ({ code: "BadResponse", message: `HTTP ${resp.status}` }));
  if (!resp.ok) throw new ConsoleError(data.code ?? "Error", data.message ?? `HTTP ${resp.status}`, resp.status);
  return data;
}

export async function loadSession(): Promise<Session> {
  session = await backend("GET", "session");
  return session;
}

export async function signIn(req: Record<string, string>): Promise<Session> {
  session = await backend("POST", "signin", req);
  return session;
}

export async function signOut(): Promise<void> {
  session = await backend("POST", "signout", {});
  await loadSession();
}

// ---- XML (awsQuery) answers ----

/** xmlValue turns an awsQuery XML element into plain data: "member" lists
 * become arrays, leaf elements strings, others objects. */
function xmlValue(el: Element): any {
  const kids = Array.from(el.children);
  if (kids.length === 0) return el.textContent ?? "";
  if (kids.every((k) => k.localName === "member")) return kids.map(xmlValue);
  if (kids.every((k) => k.localName === "entry")) {
    const o: Record<string, any> = {};
    for (const k of kids) {
      const key = k.querySelector("key")?.textContent ?? "";
      const v = k.querySelector("value");
      o[key] = v ? xmlValue(v) : "";
    }
    return o;
  }
  const o: Record<string, any> = {};
  for (const k of kids) o[k.localName] = xmlValue(k);
  return o;
}

/** Empty lists come back as empty elements: list() reads either. */
export function list<T = any>(v: any): T[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === "" || v === null) return [];
  return [v];
}

/** query calls an awsQuery operation (IAM, STS) and returns its result
 * element as data. */
export async function query(service: "iam" | "sts", action: string, params: Record<string, string | string[]> = {}): Promise<any> {
  const form: Record<string, string[]> = {
    Action: [action],
    Version: [service === "iam" ? "2010-05-08" : "2011-06-15"],
  };
  for (const [k, v] of Object.entries(params)) form[k] = Array.isArray(v) ? v : [v];
  const res = await backend("POST", "call", { service, form });
  const doc = new DOMParser().parseFromString(res.body, "application/xml");
  if (res.status >= 300) {
    const code = doc.querySelector("Error > Code")?.textContent ?? `HTTP${res.status}`;
    const msg = doc.querySelector("Error > Message")?.textContent ?? res.body;
    throw new ConsoleError(code, msg, res.status);
  }
  const el = doc.querySelector(action + "Result");
  return el ? xmlValue(el) : {};
}

/** rest calls a restJson1 operation (Access Analyzer, Amazon Connect, ...). */
export async function rest(service: string, method: string, path: string, body?: unknown, q?: Record<string, string>): Promise<any> {
  const res = await backend("POST", "call", {
    service,
    method,
    path,
    query: q ? new URLSearchParams(q).toString() : "",
    body: body === undefined ? "" : JSON.stringify(body),
  });
  const data = res.body ? JSON.parse(res.body) : {};
  if (res.status >= 300) {
    const code = (res.contentType.includes("json") && (data.__type || data.code || data.Code)) || `HTTP${res.status}`;
    throw new ConsoleError(String(code).split("#").pop()!, data.message ?? data.Message ?? res.body, res.status);
  }
  return data;
}

export function explain(input: unknown): Promise<any> {
  return backend("POST", "explain", input);
}

export function catalogActions(q: string): Promise<{ name: string; accessLevel: string; description?: string }[]> {
  return backend("GET", "catalog/actions?q=" + encodeURIComponent(q));
}

export interface ActionInfo {
  name: string;
  description: string;
  accessLevel: string;
  resources: { type: string; arn: string; required: boolean; conditionKeys: string[] }[];
  conditionKeys: { name: string; type: string; description?: string }[];
}

export function catalogAction(name: string): Promise<ActionInfo> {
  return backend("GET", "catalog/action?name=" + encodeURIComponent(name));
}

export function audit(filters: Record<string, string>): Promise<{ events: any[] }> {
  const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== "")).toString();
  return backend("GET", "audit" + (q ? "?" + q : ""));
}
