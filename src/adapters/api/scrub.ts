// Keeps credentials a node sends out of the error text built from what a server answered (servers echo).
const SENSITIVE = /auth|key|token|secret|cookie|signature|password/i;

/** Values of credential-bearing headers, and the token part of `Bearer x` / `Basic x`. */
export const credentialValues = (headers: Record<string, string>): string[] =>
  Object.entries(headers)
    .filter(([name]) => SENSITIVE.test(name))
    .flatMap(([, value]) => [value, ...value.split(/\s+/).slice(1)])
    .filter((value) => value.length >= 4);

export const scrub = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
