"""The machine-facing side: the JSON API (`views`), its OpenAPI document (`openapi`) and a
screening as FHIR resources (`fhir`)."""

from .views import bp

__all__ = ["bp"]
