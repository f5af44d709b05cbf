// fetch against a test server, with the bearer token when the server wants one.
export type ApiFetch = (path: string, init?: RequestInit) => Promise<Response>;

export const apiClient =
  (baseUrl: string, token?: string): ApiFetch =>
  (path, init = {}) =>
    fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) },
    });
