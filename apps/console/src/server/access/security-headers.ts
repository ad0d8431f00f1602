/**
 * Headers on every answer, page, API and error alike. The page is one script and one stylesheet
 * from this origin (Vite's build has no inline script: site.test.ts checks it), so the policy
 * allows nothing else: an injected <script> or an inline handler does not run, the console cannot
 * be framed (clickjacking), and no URL of it, a job id included, leaks in a Referer.
 *
 * `style-src 'unsafe-inline'` is not in it: React and Recharts set styles through the DOM
 * (element.style), which a policy does not govern.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  // For browsers older than frame-ancestors.
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};
