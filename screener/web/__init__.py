"""The plumbing every blueprint shares: security headers and rate limits, error pages, the
health checks, the request's language, formatting filters, static files, the service
profile and the patient-reference rule. Its only routes are /healthz, /readyz and
/favicon.ico."""
